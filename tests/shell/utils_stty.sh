# stty on the terminal (/dev/tty: the guest's console): flags, control characters, min and time,
# raw and -raw, sane, what stty alone shows, -g and back, the size, -F, and the error paths.
# Everything is put back as it was at the end. (On a Linux host: run it in a terminal.)
tty=/dev/tty
saved=$(stty -g < $tty) || exit 1
size=$(stty size < $tty)
trap 'stty "$saved" < $tty; stty rows ${size% *} cols ${size#* } < $tty' EXIT
has() { for w in $(stty -a < $tty); do case $w in "$1" | "-$1") echo "$w" ;; esac; done; }
# "name = value;" of stty -a, for each name given
cc() {
    set -f; set -- "$*" $(stty -a < $tty); set +f
    names=" $1 "; shift
    while [ $# -ge 3 ]; do
        case $names in *" $1 "*) [ "$2" = "=" ] && echo "$1 = $3" ;; esac
        shift
    done
}
# the settings "sane" leaves alone, as Linux starts a terminal
base="cs8 -parenb -parodd hupcl -cstopb -clocal -ignpar -parmrk -inpck -istrip ixon -iutf8"
echo "== flags"
stty sane $base < $tty
stty -echo < $tty; has echo
stty echo -icanon < $tty; has echo; has icanon
stty icanon -isig < $tty; has isig
stty sane < $tty; has isig; has icanon; has echo
echo "== control characters, min and time"
stty intr ^X erase ^H susp undef min 3 time 2 -icanon < $tty
cc intr erase susp kill min time
stty sane < $tty; cc intr erase susp min
echo "== stty alone shows what differs"
stty < $tty | { read -r first; cat; echo "(end)"; }
stty -echo tostop intr ^A < $tty
stty < $tty | { read -r first; cat; }
stty sane < $tty
echo "== raw and -raw"
stty raw < $tty; has icanon; has isig; has opost; has icrnl
stty -raw < $tty; has icanon; has isig; has opost; has icrnl
echo "== -g"
g=$(stty -g < $tty)
stty -echo intr ^Y < $tty; has echo
stty "$g" < $tty; has echo
[ "$(stty -g < $tty)" = "$g" ] && echo "all restored"
echo "== size"
stty rows 33 cols 101 < $tty; stty size < $tty
stty columns 90 < $tty; stty size < $tty
stty -F $tty size
echo "== errors"
stty bogus < $tty; echo "status $?"
stty -sane < $tty; echo "status $?"
stty intr < $tty; echo "status $?"
stty intr abc < $tty; echo "status $?"
stty min x < $tty; echo "status $?"
stty -a extra < $tty; echo "status $?"
stty < /dev/null; echo "status $?"
