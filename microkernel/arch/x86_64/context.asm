; The kernel context switch. Only callee-saved registers need saving: every switch happens inside
; a C call to arch_switch, and the user registers are already in the thread's trap frame.
;
; Entry points: arch_switch, thread_user_entry.

bits 64
section .text

; void arch_switch(uint64_t *save_sp, uint64_t new_sp)
global arch_switch
arch_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp          ; the outgoing thread resumes here later
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; A new user thread's first kernel code: its trap frame sits right above, at the stack top (rsp
; points at it, 16-byte aligned). tctl_leave charges its start-up and lets it stop first if it was
; interrupted before it ever ran.
global thread_user_entry
extern trap_return
extern tctl_first_leave
thread_user_entry:
    call tctl_first_leave
    jmp trap_return

section .note.GNU-stack noalloc noexec nowrite progbits
