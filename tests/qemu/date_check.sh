# date_check.sh DAY: `date` and `ls -l` format the pinned date. tests/qemu/CMakeLists.txt boots
# this script with the guest's clock pinned to 2026-03-DAYT10:00:00 (DAY 4 or 24), so the
# one-digit day's padding ("Mar  4") and the two-digit day ("Mar 24") are both covered.
# Prints PASS/FAIL per check and "N passed, M failed"; exits 0 iff nothing failed.
case $1 in
4) want_day='Wed Mar  4'; want_iso=2026-03-04; epoch=1772618400 ;;
24) want_day='Tue Mar 24'; want_iso=2026-03-24; epoch=1774346400 ;;
*) echo "usage: date_check.sh 4|24"; exit 2 ;;
esac
pass=0
fail=0
# check NAME GOT PATTERN: GOT must match the shell pattern
check() {
    case "$2" in
    $3) echo "PASS $1"; pass=$((pass + 1)) ;;
    *) echo "FAIL $1: got '$2', expected a match of '$3'"; fail=$((fail + 1)) ;;
    esac
}
check date_default "$(date)" "$want_day [0-9][0-9]:[0-9][0-9]:[0-9][0-9] UTC 2026"
check date_iso "$(date +%Y-%m-%d)" "$want_iso"
check date_format "$(date '+%d|%e|%j|%A|%B')" "*|*|*|*day|March"
check date_epoch "$(date -d @$epoch '+%a %b %e %H:%M:%S %Y')" "$want_day 10:00:00 2026"
# the clock starts at the pinned second; boot takes far less than an hour
now=$(date +%s)
check date_seconds "$now" "17[0-9]*"
if [ "$now" -ge "$epoch" ] && [ "$now" -lt $((epoch + 3600)) ]; then
    echo "PASS date_pinned"; pass=$((pass + 1))
else
    echo "FAIL date_pinned: $now is not within an hour after $epoch"; fail=$((fail + 1))
fi
f=/tmp/date_check.$$
touch $f
check ls_l_date "$(ls -l $f)" "*${want_day#??? } [0-9][0-9]:[0-9][0-9] $f"
rm -f $f
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
