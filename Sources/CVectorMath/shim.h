// glibc's vector math library (libmvec, part of libc6-dev): `exp` on two (SSE2) or four
// (AVX2) doubles per call, for the log-sum-exp of the Gaussian-mixture scores.
//
// libmvec's functions are the ones the compilers call when they vectorise a loop over
// `exp` (`-fveclib=libmvec`, `#pragma omp simd`); Swift does not vectorise calls, so the
// loops below call them explicitly. The AVX2 variant is used only when the CPU has AVX2
// (checked once); otherwise the SSE2 variant, which every x86-64 CPU runs. glibc documents
// both at ≤ 4 ulp (`exp` itself: < 1 ulp).
#ifndef ADIABAT_CVECTORMATH_SHIM_H
#define ADIABAT_CVECTORMATH_SHIM_H

#include <math.h>
#include <stddef.h>

#if defined(__x86_64__)
#include <immintrin.h>

__m128d _ZGVbN2v_exp(__m128d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_exp(__m256d);

static inline void cvm_exp_sse2(const double *x, double *y, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _ZGVbN2v_exp(_mm_loadu_pd(x + i)));
    for (; i < n; i++) y[i] = exp(x[i]);
}

__attribute__((target("avx2"))) static inline void cvm_exp_avx2(const double *x, double *y, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _ZGVdN4v_exp(_mm256_loadu_pd(x + i)));
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _ZGVbN2v_exp(_mm_loadu_pd(x + i)));
    for (; i < n; i++) y[i] = exp(x[i]);
}

/// 1 when the AVX2 variant can run on this CPU.
static inline int cvm_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}
#define CVM_HAVE_VECTOR_EXP 1
#else
#define CVM_HAVE_VECTOR_EXP 0
#endif

/// y[i] = exp(x[i]) for i < n, two or four at a time when `wide` (AVX2) is set.
static inline void cvm_exp(const double *x, double *y, ptrdiff_t n, int wide) {
#if CVM_HAVE_VECTOR_EXP
    if (wide) cvm_exp_avx2(x, y, n); else cvm_exp_sse2(x, y, n);
#else
    (void)wide;
    for (ptrdiff_t i = 0; i < n; i++) y[i] = exp(x[i]);
#endif
}

#endif
