; corpus/fuzz_elf/tiny_exit42 is a zero byte (raw mode) followed by `nasm -f bin` of this file:
; a minimal static ELF64 executable, exit_group(42), one PT_LOAD covering the headers
bits 64
org 0x400000
ehdr:
  db 0x7f, "ELF", 2, 1, 1, 0
  times 8 db 0
  dw 2            ; ET_EXEC
  dw 0x3e         ; x86-64
  dd 1
  dq _start
  dq phdr - $$
  dq 0
  dd 0
  dw 64, 56, 1, 0, 0, 0
phdr:
  dd 1, 5         ; PT_LOAD, R+X
  dq 0, $$, $$
  dq filesize, filesize
  dq 0x1000
_start:
  mov edi, 42
  mov eax, 231
  syscall
filesize equ $ - $$
