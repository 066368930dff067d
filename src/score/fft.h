/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/score: a process-wide cache of FFTW plans keyed by
 * transform kind and size. Plans are created once (under a mutex, because
 * the FFTW planner is not thread-safe) with FFTW_ESTIMATE and reused through
 * the new-array execute functions, which are thread-safe. Buffers passed to
 * a cached plan must come from fftw_malloc()/fftwf_malloc() so their SIMD
 * alignment matches the planning buffers.
 */
#ifndef BENCH_SCORE_FFT_H
#define BENCH_SCORE_FFT_H

#include <stddef.h>

#include <fftw3.h>

/*
 * Forward real-to-complex plan of size @n (output n/2+1 bins).
 * Return: 0, -EINVAL for n < 2 or n > INT_MAX, -ENOMEM.
 */
int score_fft_plan_r2c(size_t n, fftw_plan *ret_plan);

/* Backward complex-to-real plan of size @n (input n/2+1 bins, destroyed). */
int score_fft_plan_c2r(size_t n, fftw_plan *ret_plan);

/* A size >= @n with only factors 2, 3, 5 (fast for FFTW). */
size_t score_fft_good_size(size_t n);

#endif /* BENCH_SCORE_FFT_H */
