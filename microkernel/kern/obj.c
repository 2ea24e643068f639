/* Object lifetime: the last reference runs the type's destructor. Entry point: obj_put_last (the
 * slow half of obj_put, include/obj.h). */
#include "kprintf.h"
#include "obj.h"

void obj_put_last(struct kobj *o)
{
    if (o->refs == 0)
        panic("obj_put: object %p of type %u has no references", (void *)o, o->type);
    o->refs = 0;
    switch (o->type) {
    case KOBJ_THREAD:
        thread_destroy((struct thread *)o);
        break;
    case KOBJ_ASPACE:
        aspace_destroy((struct aspace *)o);
        break;
    case KOBJ_ENDPOINT:
        endpoint_destroy((struct endpoint *)o);
        break;
    case KOBJ_MEM:
        memobj_destroy((struct kmem *)o);
        break;
    case KOBJ_CONTROL:
        break; /* static */
    default:
        panic("obj_put: unknown type %u", o->type);
    }
}
