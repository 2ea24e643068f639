; Interrupt and exception entry stubs. Every vector pushes (error code or 0, vector) and joins
; isr_common, which saves the general registers in the order of struct trap_frame (include/arch.h),
; calls trap_dispatch(frame), and returns through trap_return (also used to start new threads).
;
; Entry points: isr_table (the stub addresses, for idt.c), trap_return.

bits 64
section .text

extern trap_dispatch

%macro ISR_NOERR 1
isr_%1:
    push 0                      ; no error code: keep the frame shape
    push %1                     ; vector
    jmp isr_common
%endmacro

%macro ISR_ERR 1
isr_%1:
    push %1                     ; the CPU pushed the error code already
    jmp isr_common
%endmacro

; exceptions 0..31: 8, 10-14, 17, 21, 29, 30 push an error code
%assign i 0
%rep 48
%if i == 8 || (i >= 10 && i <= 14) || i == 17 || i == 21 || i == 29 || i == 30
    ISR_ERR i
%else
    ISR_NOERR i
%endif
%assign i i+1
%endrep

isr_common:
    ; [rsp] vector, [rsp+8] error, [rsp+16] rip, [rsp+24] cs
    test qword [rsp + 24], 3
    jz .from_kernel
    swapgs                      ; from user mode: GS base becomes the per-CPU block
.from_kernel:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld                         ; the C ABI wants DF clear
    mov rdi, rsp                ; struct trap_frame *
    call trap_dispatch

global trap_return
trap_return:
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    test qword [rsp + 24], 3
    jz .to_kernel
    swapgs                      ; back to the user's GS base
.to_kernel:
    add rsp, 16                 ; vector, error
    iretq

section .rodata
global isr_table
isr_table:
%assign i 0
%rep 48
    dq isr_ %+ i
%assign i i+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
