; SYSCALL entry and SYSRET exit. The CPU arrives here from user mode with RCX = user RIP,
; R11 = user RFLAGS, RSP still the user's, and IF/DF/TF/AC already cleared by SFMASK.
; We build a struct trap_frame (include/arch.h) on the thread's kernel stack, exactly like an
; interrupt would, so that every blocked thread's user registers are in one known place, then call
; syscall_dispatch(frame). Entry point: syscall_entry.

bits 64
section .text

SEL_UDATA   equ 0x18 | 3
SEL_UCODE   equ 0x20 | 3
VEC_SYSCALL equ 256             ; frame.vector for a SYSCALL frame (may leave by SYSRET)

extern syscall_dispatch

global syscall_entry
syscall_entry:
    swapgs                      ; GS base = per-CPU block (struct percpu, cpu.c)
    mov [gs:16], rsp            ; percpu.user_rsp: park the user stack pointer
    mov rsp, [gs:8]             ; percpu.kstack_top: this thread's kernel stack
    push SEL_UDATA              ; frame.ss
    push qword [gs:16]          ; frame.rsp    (user stack)
    push r11                    ; frame.rflags (saved by SYSCALL in r11)
    push SEL_UCODE              ; frame.cs
    push rcx                    ; frame.rip    (saved by SYSCALL in rcx)
    push 0                      ; frame.error
    push VEC_SYSCALL            ; frame.vector
    push rax                    ; frame.rax    (call number)
    push rbx                    ; frame.rbx    (callee-saved in the C ABI, but user state)
    push rcx                    ; frame.rcx    (= user rip: SYSCALL clobbered the user's rcx)
    push rdx                    ; frame.rdx    (arg 3)
    push rsi                    ; frame.rsi    (arg 2)
    push rdi                    ; frame.rdi    (arg 1)
    push rbp                    ; frame.rbp
    push r8                     ; frame.r8     (arg 5)
    push r9                     ; frame.r9     (arg 6)
    push r10                    ; frame.r10    (arg 4: rcx is taken by SYSCALL)
    push r11                    ; frame.r11    (= user rflags)
    push r12                    ; frame.r12
    push r13                    ; frame.r13
    push r14                    ; frame.r14
    push r15                    ; frame.r15
    mov rdi, rsp                ; struct trap_frame *
    call syscall_dispatch

    ; Leave by SYSRET only if the frame is still a plain syscall frame (not rewritten through a
    ; thread capability, which sets vector to 0) and its RIP is canonical: SYSRET with a
    ; non-canonical RCX faults in ring 0 on Intel CPUs. Otherwise use the general IRETQ path.
    cmp qword [rsp + 15*8], VEC_SYSCALL
    jne .iret
    mov rcx, [rsp + 17*8]       ; frame.rip
    shl rcx, 16                 ; canonical iff bits 63..47 are all equal: sign-extend and compare
    sar rcx, 16
    cmp rcx, [rsp + 17*8]
    jne .iret
    mov rcx, 0x00007FFFFFFFFFFF ; and it must be a user (lower-half) address
    cmp [rsp + 17*8], rcx
    ja .iret
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11                     ; overwritten below by rflags
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx                     ; overwritten below by rip
    pop rbx
    pop rax                     ; the result
    mov rcx, [rsp + 2*8]        ; frame.rip    -> RCX for SYSRET
    mov r11, [rsp + 4*8]        ; frame.rflags -> R11 for SYSRET
    mov rsp, [rsp + 5*8]        ; frame.rsp: back on the user stack (nothing else is read after)
    swapgs                      ; user GS base back
    o64 sysret
.iret:
    extern trap_return
    jmp trap_return

section .note.GNU-stack noalloc noexec nowrite progbits
