; Multiboot2 header and the 32-bit entry point: GRUB jumps here in protected mode with paging off.
; We build just enough page tables to enter long mode with the kernel visible both at its physical
; address (identity, so the next instruction still exists) and at KERNEL_VMA, then call kmain in the
; higher half. kern/main.c then builds the real tables (direct map) and drops the identity map.
;
; Entry points: _start32 (from GRUB), boot_gdt_ptr (reused until arch_gdt_init).

KERNEL_VMA  equ 0xFFFFFFFF80000000
MB2_MAGIC   equ 0xE85250D6
MB2_ARCH    equ 0                       ; i386 protected mode

section .multiboot
align 8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))
    ; entry address tag: the ELF entry is a higher-half address GRUB cannot jump to
    align 8
    dw 3, 0
    dd 12
    dd _start32 - KERNEL_VMA
    align 8
    dw 0, 0                             ; end tag
    dd 8
mb2_header_end:

section .bss
align 4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4096
global boot_stack_top
boot_stack:     resb 16384
boot_stack_top:

section .rodata
align 16
boot_gdt:
    dq 0                                ; null
    dq 0x00AF9A000000FFFF               ; 0x08: 64-bit kernel code
    dq 0x00CF92000000FFFF               ; 0x10: kernel data
boot_gdt_end:
global boot_gdt_ptr
boot_gdt_ptr:
    dw boot_gdt_end - boot_gdt - 1
    dq boot_gdt - KERNEL_VMA            ; physical: loaded before paging is on

section .text
bits 32
global _start32
_start32:
    cli
    cld
    mov esp, boot_stack_top - KERNEL_VMA
    mov edi, eax                        ; multiboot2 magic (kept for kmain)
    mov esi, ebx                        ; physical address of the multiboot2 info

    ; PD: 512 x 2 MiB pages covering physical 0..1 GiB (present, writable, huge)
    mov ecx, 0
.fill_pd:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83
    mov [boot_pd - KERNEL_VMA + ecx*8], eax
    mov dword [boot_pd - KERNEL_VMA + ecx*8 + 4], 0
    inc ecx
    cmp ecx, 512
    jne .fill_pd

    ; low identity (PML4[0] -> PDPT[0]) and the kernel window (PML4[511] -> PDPT[510]), same PD;
    ; PML4[256] (the direct map's slot) also points at the low PDPT until kmain builds the real one.
    mov eax, boot_pd - KERNEL_VMA
    or eax, 3
    mov [boot_pdpt_low - KERNEL_VMA], eax
    mov [boot_pdpt_high - KERNEL_VMA + 510*8], eax
    mov eax, boot_pdpt_low - KERNEL_VMA
    or eax, 3
    mov [boot_pml4 - KERNEL_VMA], eax
    mov [boot_pml4 - KERNEL_VMA + 256*8], eax
    mov eax, boot_pdpt_high - KERNEL_VMA
    or eax, 3
    mov [boot_pml4 - KERNEL_VMA + 511*8], eax

    mov eax, boot_pml4 - KERNEL_VMA
    mov cr3, eax
    mov eax, cr4
    or eax, (1 << 5)                    ; PAE
    mov cr4, eax
    mov ecx, 0xC0000080                 ; EFER
    rdmsr
    or eax, (1 << 8) | (1 << 11)        ; LME, NXE
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   ; PG, WP (kernel honours read-only pages), PE
    mov cr0, eax

    lgdt [boot_gdt_ptr - KERNEL_VMA]
    jmp 0x08:(long_mode_low - KERNEL_VMA)

bits 64
long_mode_low:
    mov rax, long_mode_high             ; absolute higher-half address
    jmp rax
long_mode_high:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top
    xor rbp, rbp                        ; terminates frame-pointer backtraces
    ; rdi = magic, rsi = info (zero-extended by the 32-bit moves above)
    extern kmain
    call kmain
.hang:
    cli
    hlt
    jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
