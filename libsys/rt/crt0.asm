; Entry of a native server or test program started by the kernel (kabi/boot.h): rdi holds the boot
; information page, rsp the top of the stack. Entry point: _start.
bits 64
section .text
global _start
extern rt_start
_start:
    and rsp, -16            ; the C ABI wants rsp % 16 == 0 before the call
    xor rbp, rbp            ; end of the frame chain
    call rt_start           ; (struct kboot_info *) -> never returns
    ud2
section .note.GNU-stack noalloc noexec nowrite progbits
