# ps run by a vfork child while it is about to sleep: it lists the parent, parked in vfork, with
# state V, and the child itself waiting for ps (S). (vforkdemo --ps; see user/vforkdemo.)
T=${TMPDIR:-/tmp}/sh-vps.$$
vforkdemo --ps > "$T"
while read pid ppid st word cmd; do
    case "$cmd" in
    "vforkdemo --ps")
        if [ "$ppid" = "$$" ]; then
            echo "the demo's parent: $st $word"
        else
            echo "the demo's child: $st $word"
        fi ;;
    esac
done < "$T"
grep -c "parent: vfork returned" "$T"
rm -f "$T"
