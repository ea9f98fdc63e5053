#include <pvm3.h>
int pvm_mytid(void) { return PvmSysErr; }
