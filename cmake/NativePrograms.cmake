# os_native_program(): a native (non-POSIX) program for the microkernel: a root server or a native
# test, built freestanding with libsys's runtime and loaded by GRUB as a Multiboot2 module.
#
#   os_native_program(<name> BASE <address> SOURCES files... [INCLUDES dirs...])
#
# The module is named <name> in grub.cfg; the kernel starts the modules listed in roots=.
# BASE is where the program is linked (its first PT_LOAD segment, -Ttext-segment): every native
# program has its own, so that a debugger that knows several of them at once (make debug loads
# procmgr's and vfs's symbols beside the kernel's) maps an address to one program only, and a
# breakpoint set in one server cannot fire in another. The bases in use (a program keeps below
# the next base; the configuration fails when two programs ask for the same one):
#   procmgr 0x10000000, vfs 0x20000000, kcoretest 0x30000000, kfuzz 0x38000000
# (the kcore programs map their test pages from 0x40000000 on in their own spaces). Every base
# stays below 2 GiB: the code is non-PIC, small code model.
set_property(GLOBAL PROPERTY OS_BOOT_MODULES "")
set_property(GLOBAL PROPERTY OS_BOOT_MODULE_TARGETS "")
set_property(GLOBAL PROPERTY OS_NATIVE_BASES "")

set(OS_NATIVE_C_FLAGS
    -ffreestanding                  # our own libc (libsys/libc), no host headers
    -nostdinc -isystem ${GCC_FREESTANDING_INCLUDE}
    -fno-pic -fno-pie               # static executables at a fixed address
    -fno-stack-protector            # no TLS canary: FS base points at the IPC buffer
    -fno-omit-frame-pointer
    -O2 -flto                       # servers: the libc and glue inline into the hot paths
    -g)

add_library(libsys_rt STATIC
  ${CMAKE_SOURCE_DIR}/libsys/rt/crt0.asm
  ${CMAKE_SOURCE_DIR}/libsys/rt/rt.c
  ${LIBSYS_LIBC_SOURCES})
target_include_directories(libsys_rt PUBLIC ${LIBSYS_LIBC_INCLUDE} ${OS_ABI_INCLUDE}
                           ${CMAKE_SOURCE_DIR}/libsys/rt)
target_compile_options(libsys_rt PUBLIC $<$<COMPILE_LANGUAGE:C>:${OS_NATIVE_C_FLAGS}>)

function(os_native_program name)
  cmake_parse_arguments(P "" "BASE" "SOURCES;INCLUDES" ${ARGN})
  if(NOT P_BASE MATCHES "^0x[0-9a-fA-F]+$")
    message(FATAL_ERROR "os_native_program(${name}): BASE <hex address> is required")
  endif()
  get_property(bases GLOBAL PROPERTY OS_NATIVE_BASES)
  foreach(other ${bases})
    string(REPLACE "=" ";" other "${other}")
    list(GET other 0 other_name)
    list(GET other 1 other_base)
    if(other_base STREQUAL P_BASE)
      message(FATAL_ERROR "os_native_program(${name}): BASE ${P_BASE} is ${other_name}'s already")
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY OS_NATIVE_BASES "${name}=${P_BASE}")
  add_executable(${name} ${P_SOURCES})
  set_target_properties(${name} PROPERTIES OUTPUT_NAME ${name}.elf)
  target_include_directories(${name} PRIVATE ${P_INCLUDES})
  target_link_libraries(${name} PRIVATE libsys_rt)
  # linked at BASE (256 MiB and up), away from user programs (0x400000), so that an address in a
  # profile or a register dump says at once whether it is server code, and which server's
  target_link_options(${name} PRIVATE -O2 -flto -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000
                      -Wl,--build-id=none -Wl,-e,_start -Wl,-Ttext-segment=${P_BASE})
  set_property(GLOBAL APPEND PROPERTY OS_BOOT_MODULES "$<TARGET_FILE:${name}>=${name}")
  set_property(GLOBAL APPEND PROPERTY OS_BOOT_MODULE_TARGETS ${name})
endfunction()
