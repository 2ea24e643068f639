# The initrd (cpio newc of every os_user_program plus rootfs/ and OS_EXTRA_ROOTFS) and the
# bootable ISO (grub-mkrescue with the top-level grub.cfg). Included last, once every
# subdirectory has registered its programs and boot modules.
# Real software, unmodified: Debian's busybox-static and bash-static (tools/setup.sh installs
# them) as /bin/busybox and /bin/bash, every busybox applet a symlink /usr/bin/<applet> ->
# /bin/busybox (PATH is /bin:/usr/bin, so our own /bin programs come first: docs/userland.md).
# Not linked: init and linuxrc (ours is /sbin/init). The applet list is the binary's own.
set(OS_BUSYBOX /bin/busybox CACHE FILEPATH "Debian's busybox-static binary for the image")
set(OS_BASH /bin/bash-static CACHE FILEPATH "Debian's bash-static binary for the image")
foreach(bin OS_BUSYBOX OS_BASH)
  if(NOT EXISTS ${${bin}})
    message(FATAL_ERROR "${${bin}} is missing: run tools/setup.sh (apt-get install busybox-static bash-static)")
  endif()
endforeach()
execute_process(COMMAND ${OS_BUSYBOX} --list OUTPUT_VARIABLE busybox_applets RESULT_VARIABLE bb_rc)
if(NOT bb_rc EQUAL 0)
  message(FATAL_ERROR "${OS_BUSYBOX} --list failed")
endif()
# one link line per applet, made on the text itself: names such as "[" would upset a CMake list
string(REGEX REPLACE "(^|\n)(init|linuxrc)\n" "\\1" busybox_applets "${busybox_applets}")
string(REGEX REPLACE "([^\n]+)" "link:/bin/busybox=/usr/bin/\\1" busybox_links "${busybox_applets}")
set_property(GLOBAL APPEND PROPERTY OS_ROOTFS_ENTRIES "${OS_BUSYBOX}=/bin/busybox" "${OS_BASH}=/bin/bash")
# reconfigure when the packages change (a new busybox may have other applets)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${OS_BUSYBOX} ${OS_BASH})

get_property(rootfs_entries GLOBAL PROPERTY OS_ROOTFS_ENTRIES)
get_property(rootfs_targets GLOBAL PROPERTY OS_ROOTFS_TARGETS)
get_property(boot_modules GLOBAL PROPERTY OS_BOOT_MODULES)
get_property(boot_module_targets GLOBAL PROPERTY OS_BOOT_MODULE_TARGETS)

set(ROOTFS_LIST ${CMAKE_BINARY_DIR}/rootfs.list)
string(REPLACE ";" "\n" rootfs_lines "${rootfs_entries}")
file(GENERATE OUTPUT ${ROOTFS_LIST} CONTENT "${rootfs_lines}\n${busybox_links}")

file(GLOB_RECURSE static_rootfs_files ${CMAKE_SOURCE_DIR}/rootfs/*)
# plain files from the source tree listed as rootfs entries (test scripts): rebuild when they change
foreach(e ${rootfs_entries})
  string(REPLACE "=" ";" parts "${e}")
  list(GET parts 0 src)
  string(FIND "${src}" "${CMAKE_SOURCE_DIR}/" at)
  if(at EQUAL 0)
    list(APPEND static_rootfs_files ${src})
  endif()
endforeach()
# The extra tree's files and directories (a directory's time changes when an entry is added,
# removed or renamed in it). Not its symlinks: make would follow them, and an absolute one
# (usr/bin/awk -> /bin/busybox) names a file of the image, not of this machine, so the build
# would stop at "No rule to make target". mkinitrd.sh keeps them as symlinks.
set(extra_deps "")
if(OS_EXTRA_ROOTFS)
  file(GLOB_RECURSE extra_all LIST_DIRECTORIES true ${OS_EXTRA_ROOTFS}/*)
  foreach(f ${extra_all})
    if(NOT IS_SYMLINK ${f})
      list(APPEND extra_deps ${f})
    endif()
  endforeach()
endif()

set(INITRD ${CMAKE_BINARY_DIR}/initrd.cpio)
add_custom_command(
  OUTPUT ${INITRD}
  COMMAND bash ${CMAKE_SOURCE_DIR}/tools/mkinitrd.sh ${ROOTFS_LIST} ${CMAKE_SOURCE_DIR}/rootfs
          "${OS_EXTRA_ROOTFS}" ${CMAKE_BINARY_DIR}/rootfs ${INITRD}
  DEPENDS ${ROOTFS_LIST} ${rootfs_targets} ${static_rootfs_files} ${extra_deps}
          ${OS_BUSYBOX} ${OS_BASH}
          ${CMAKE_SOURCE_DIR}/tools/mkinitrd.sh
  COMMENT "initrd.cpio"
  VERBATIM)

# Kernel command line: init= plus anything extra; modules: servers then the initrd.
set(OS_CMDLINE "init=${OS_INIT} ${OS_CMDLINE_EXTRA}")
set(OS_MODULES "")
set(iso_copy "")
set(iso_deps kernel ${INITRD} ${boot_module_targets})
foreach(m ${boot_modules})
  string(REPLACE "=" ";" parts "${m}")
  list(GET parts 0 mpath)
  list(GET parts 1 mname)
  string(APPEND OS_MODULES "    module2 /boot/${mname}.elf ${mname}\n")
  list(APPEND iso_copy COMMAND ${CMAKE_COMMAND} -E copy ${mpath} ${CMAKE_BINARY_DIR}/iso/boot/${mname}.elf)
endforeach()
string(APPEND OS_MODULES "    module2 /boot/initrd.cpio initrd")
configure_file(${CMAKE_SOURCE_DIR}/grub.cfg ${CMAKE_BINARY_DIR}/grub.cfg @ONLY)

set(ISO ${CMAKE_BINARY_DIR}/os.iso)
add_custom_command(
  OUTPUT ${ISO}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${CMAKE_BINARY_DIR}/iso
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/iso/boot/grub
  COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:kernel> ${CMAKE_BINARY_DIR}/iso/boot/kernel.elf
  ${iso_copy}
  COMMAND ${CMAKE_COMMAND} -E copy ${INITRD} ${CMAKE_BINARY_DIR}/iso/boot/initrd.cpio
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_BINARY_DIR}/grub.cfg ${CMAKE_BINARY_DIR}/iso/boot/grub/grub.cfg
  COMMAND ${GRUB_MKRESCUE} -o ${ISO} ${CMAKE_BINARY_DIR}/iso 2> ${CMAKE_BINARY_DIR}/grub-mkrescue.log
  DEPENDS ${iso_deps} ${CMAKE_BINARY_DIR}/grub.cfg
  COMMENT "os.iso"
  VERBATIM)
add_custom_target(iso ALL DEPENDS ${ISO})
