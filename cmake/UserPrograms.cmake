# os_user_program(): builds a static musl program and records where it goes in the initrd.
#
#   os_user_program(<name> SOURCES a.c b.c [DEST /bin] [INCLUDES dirs...] [CFLAGS flags...])
#
# Output: ${CMAKE_CURRENT_BINARY_DIR}/<name>, installed in the initrd as <DEST>/<name>.
# Programs are built with Debian's musl-gcc, exactly as a user would build their own.
set_property(GLOBAL PROPERTY OS_ROOTFS_ENTRIES "")
set_property(GLOBAL PROPERTY OS_ROOTFS_TARGETS "")

function(os_user_program name)
  cmake_parse_arguments(P "" "DEST" "SOURCES;INCLUDES;CFLAGS" ${ARGN})
  if(NOT P_DEST)
    set(P_DEST /bin)
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(srcs "")
  foreach(s ${P_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND srcs ${abs})
  endforeach()
  set(incflags "")
  set(hdrs "")
  file(GLOB_RECURSE own_hdrs ${CMAKE_CURRENT_SOURCE_DIR}/*.h)
  list(APPEND hdrs ${own_hdrs})
  foreach(i ${P_INCLUDES})
    get_filename_component(abs ${i} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND incflags -I${abs})
    file(GLOB_RECURSE inc_hdrs ${abs}/*.h)
    list(APPEND hdrs ${inc_hdrs})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${MUSL_GCC} -static -std=gnu11 -O2 -g -Wall -Wextra -Werror
            ${incflags} ${P_CFLAGS} -o ${out} ${srcs}
    DEPENDS ${srcs} ${hdrs}
    COMMENT "musl-gcc -static ${name}"
    VERBATIM)
  add_custom_target(user_${name} ALL DEPENDS ${out})
  set_property(GLOBAL APPEND PROPERTY OS_ROOTFS_ENTRIES "${out}=${P_DEST}/${name}")
  set_property(GLOBAL APPEND PROPERTY OS_ROOTFS_TARGETS user_${name})
endfunction()
