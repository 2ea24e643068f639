# os_native_program(): a native (non-POSIX) program for the microkernel: a root server or a native
# test, built freestanding with libsys's runtime and loaded by GRUB as a Multiboot2 module.
#
#   os_native_program(<name> SOURCES files... [INCLUDES dirs...])
#
# The module is named <name> in grub.cfg; the kernel starts the modules listed in roots=.
set_property(GLOBAL PROPERTY OS_BOOT_MODULES "")
set_property(GLOBAL PROPERTY OS_BOOT_MODULE_TARGETS "")

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
  cmake_parse_arguments(P "" "" "SOURCES;INCLUDES" ${ARGN})
  add_executable(${name} ${P_SOURCES})
  set_target_properties(${name} PROPERTIES OUTPUT_NAME ${name}.elf)
  target_include_directories(${name} PRIVATE ${P_INCLUDES})
  target_link_libraries(${name} PRIVATE libsys_rt)
  # linked at 256 MiB, away from user programs (0x400000), so that an address in a profile or a
  # register dump says at once whether it is server code
  target_link_options(${name} PRIVATE -O2 -flto -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000
                      -Wl,--build-id=none -Wl,-e,_start -Wl,-Ttext-segment=0x10000000)
  set_property(GLOBAL APPEND PROPERTY OS_BOOT_MODULES "$<TARGET_FILE:${name}>=${name}")
  set_property(GLOBAL APPEND PROPERTY OS_BOOT_MODULE_TARGETS ${name})
endfunction()
