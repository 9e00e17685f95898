// LAPACK (through LAPACKE) and ARPACK-NG's ISO-C interface, for the eigen-solvers in GSLKit.
#ifndef ADIABAT_CLINALG_SHIM_H
#define ADIABAT_CLINALG_SHIM_H
#include <lapacke.h>
#include <arpack/arpack.h>
#endif
