; SYSCALL entry and SYSRET exit. The CPU arrives here from user mode with RCX = user RIP,
; R11 = user RFLAGS, RSP still the user's, and IF/DF/TF/AC already cleared by SFMASK.
; We build a struct trap_frame (include/arch.h) on the thread's kernel stack, exactly like an
; interrupt would, so that every blocked thread's user registers are in one known place, then call
; syscall_dispatch(frame), or for call 6 (reply_recv, every server loop's) syscall_reply_recv(frame).
;
; Three ways out, one SYSRET tail: the common return of syscall_dispatch (same thread, its
; callee-saved registers still the user's: only the others are reloaded); syscall_exit, for a
; frame whose registers are not live (arch_user_return: a direct switch to a ucont thread); and
; syscall_continue, where a ucont thread is resumed by an ordinary switch (it runs the syscall's
; tail, kcall.c syscall_resume, first).
; Entry points: syscall_entry, syscall_exit, syscall_continue, arch_user_return.

bits 64
section .text

SEL_UDATA   equ 0x18 | 3
SEL_UCODE   equ 0x20 | 3
VEC_SYSCALL equ 256             ; frame.vector for a SYSCALL frame (may leave by SYSRET)

extern syscall_dispatch, syscall_reply_recv
KCALL_REPLY_RECV equ 6          ; kabi/kcalls.h (asserted in kcall.c)
TSS_RSP0 equ 4                  ; struct tss (gdt.c, asserted there)
TSS_RSP2 equ 20

; Frame offsets (struct trap_frame, in 8-byte words)
F_R15 equ 0*8
F_R14 equ 1*8
F_R13 equ 2*8
F_R12 equ 3*8
F_R10 equ 5*8
F_R9  equ 6*8
F_R8  equ 7*8
F_RBP equ 8*8
F_RDI equ 9*8
F_RSI equ 10*8
F_RDX equ 11*8
F_RBX equ 13*8
F_RAX equ 14*8
F_VEC equ 15*8
F_RIP equ 17*8
F_RFL equ 19*8
F_RSP equ 20*8

global syscall_entry
syscall_entry:
    swapgs                      ; GS base = the per-CPU block: the TSS (gdt.c)
    mov [gs:TSS_RSP2], rsp      ; park the user stack pointer (rsp2: no ring 2 uses it)
    mov rsp, [gs:TSS_RSP0]      ; this thread's kernel stack
    push SEL_UDATA              ; frame.ss
    push qword [gs:TSS_RSP2]    ; frame.rsp    (user stack)
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
    cmp rax, KCALL_REPLY_RECV   ; a server loop's call: its own way in (kcall.c)
    jne .dispatch
    call syscall_reply_recv
    jmp sysret_common
.dispatch:
    call syscall_dispatch

    ; The common return: the C ABI kept rbx, rbp, r12-r15, so they are the user's (a frame whose
    ; registers were rewritten through a thread capability has vector 0 and leaves by IRETQ,
    ; which reloads all). Only the others are reloaded.
sysret_common:
    ; Leave by SYSRET only if the frame is still a plain syscall frame (not rewritten through a
    ; thread capability, which sets vector to 0) and its RIP a user (lower-half) address, hence
    ; canonical: SYSRET with a non-canonical RCX faults in ring 0 on Intel CPUs. Otherwise use
    ; the general IRETQ path.
    cmp qword [rsp + F_VEC], VEC_SYSCALL
    jne .iret
    mov rcx, [rsp + F_RIP]      ; RCX: the user RIP for SYSRET
    cmp rcx, [rel user_rip_max] ; a memory operand: no register to load the constant into
    ja .iret
    mov r11, [rsp + F_RFL]      ; R11: the user RFLAGS for SYSRET
    mov rax, [rsp + F_RAX]      ; the result
    mov rdx, [rsp + F_RDX]
    mov rsi, [rsp + F_RSI]
    mov rdi, [rsp + F_RDI]
    mov r8, [rsp + F_R8]
    mov r9, [rsp + F_R9]
    mov r10, [rsp + F_R10]
    mov rsp, [rsp + F_RSP]      ; back on the user stack (nothing else is read after)
    swapgs                      ; user GS base back
    o64 sysret
.iret:
    extern trap_return
    jmp trap_return             ; restores every register from the frame

; rsp = a syscall frame (at its kernel stack's top) of a thread whose registers are not live
global syscall_exit
syscall_exit:
    mov rbx, [rsp + F_RBX]
    mov rbp, [rsp + F_RBP]
    mov r12, [rsp + F_R12]
    mov r13, [rsp + F_R13]
    mov r14, [rsp + F_R14]
    mov r15, [rsp + F_R15]
    jmp sysret_common

; A ucont thread switched to by arch_switch (sched.c resume_sp): rsp = its frame, 16-aligned.
global syscall_continue
extern syscall_resume
syscall_continue:
    call syscall_resume
    jmp syscall_exit

; void arch_user_return(struct trap_frame *f): noreturn; f is at the top of the current kernel
; stack, so nothing of the caller's stack is needed any more.
global arch_user_return
arch_user_return:
    mov rsp, rdi
    jmp syscall_exit

section .rodata
align 8
user_rip_max: dq 0x00007FFFFFFFFFFF ; the highest lower-half (user) address

section .note.GNU-stack noalloc noexec nowrite progbits
