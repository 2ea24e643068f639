/* Linux futex(2) operations and words (linux/futex.h), and the robust list's layout. */
#ifndef LX_FUTEX_H
#define LX_FUTEX_H

#include <stdint.h>

#define LX_FUTEX_WAIT            0
#define LX_FUTEX_WAKE            1
#define LX_FUTEX_FD              2
#define LX_FUTEX_REQUEUE         3
#define LX_FUTEX_CMP_REQUEUE     4
#define LX_FUTEX_WAKE_OP         5
#define LX_FUTEX_LOCK_PI         6
#define LX_FUTEX_UNLOCK_PI       7
#define LX_FUTEX_TRYLOCK_PI      8
#define LX_FUTEX_WAIT_BITSET     9
#define LX_FUTEX_WAKE_BITSET     10
#define LX_FUTEX_WAIT_REQUEUE_PI 11
#define LX_FUTEX_CMP_REQUEUE_PI  12
#define LX_FUTEX_LOCK_PI2        13
#define LX_FUTEX_PRIVATE_FLAG    128
#define LX_FUTEX_CLOCK_REALTIME  256
#define LX_FUTEX_CMD_MASK        (~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME))
#define LX_FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* FUTEX_WAKE_OP's val3: op (bits 28-30, bit 31 = oparg is a shift), cmp (24-27), oparg (12-23),
 * cmparg (0-11), both 12-bit signed */
#define LX_FUTEX_OP_SET  0
#define LX_FUTEX_OP_ADD  1
#define LX_FUTEX_OP_OR   2
#define LX_FUTEX_OP_ANDN 3
#define LX_FUTEX_OP_XOR  4
#define LX_FUTEX_OP_OPARG_SHIFT 8
#define LX_FUTEX_OP_CMP_EQ 0
#define LX_FUTEX_OP_CMP_NE 1
#define LX_FUTEX_OP_CMP_LT 2
#define LX_FUTEX_OP_CMP_LE 3
#define LX_FUTEX_OP_CMP_GT 4
#define LX_FUTEX_OP_CMP_GE 5

/* a robust futex word: the owner's tid and two flags */
#define LX_FUTEX_WAITERS    0x80000000u
#define LX_FUTEX_OWNER_DIED 0x40000000u
#define LX_FUTEX_TID_MASK   0x3fffffffu

/* set_robust_list's head: a circular list of the futexes a thread holds */
struct lx_robust_list_head {
    uint64_t next;            /* struct robust_list *; bit 0: a PI futex */
    int64_t futex_offset;     /* from an entry to its futex word */
    uint64_t list_op_pending; /* the entry being taken or released, or 0 */
};
#define LX_ROBUST_LIST_LIMIT 2048

#endif
