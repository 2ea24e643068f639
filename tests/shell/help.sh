# help, the shell's builtin: how to call a builtin; every builtin and the programs in /bin.
help cd
help jobs fg bg wait
help nosuch_zz 2>/dev/null; echo "help nosuch_zz -> $?"
help | { read -r first; echo "$first"; }
echo "programs section: $(help | grep -c '^Programs in /bin:')"
for b in jobs fg bg help wait kill cd; do
    help | grep -qE "(^| )$b( |\$)" && echo "lists the builtin $b"
done
for p in ps bash busybox sh; do
    help | grep -qE "(^| )$p( |\$)" && echo "lists /bin/$p"
done
