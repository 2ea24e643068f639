# cmake -DIN=file -DOUT=file.c -DNAME=sym -P bin2c.cmake: the bytes of IN as
# `const unsigned char NAME[]` and `const unsigned long NAME_size` in OUT.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR size "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* generated from ${IN} by bin2c.cmake */\n"
     "const unsigned char ${NAME}[] __attribute__((aligned(16))) = {\n${body}\n};\n"
     "const unsigned long ${NAME}_size = ${size};\n")
