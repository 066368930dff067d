// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Random streams for libsiggen: xoshiro256** seeded by SplitMix64 from
 * (seed, source, channel, purpose), normals by the Marsaglia-Tsang ziggurat,
 * and the shaped-noise helpers (1/f^alpha pole-zero cascade, smooth random
 * envelopes). Frequencies in Hz, times in s.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "siggen-internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SG_HAVE_X86_SIMD 1
#endif

/* Noise kernel: 0 portable, 1 AVX2, 2 AVX-512F; chosen once in tables_build(). */
static int simd_level;

uint32_t sg_zig_k[128];
float sg_zig_w[128];
float sg_zig_f[128];

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void sg_rng_init(struct sg_rng *r, uint64_t seed, uint32_t source, uint32_t channel,
		 uint32_t purpose)
{
	uint64_t x = seed;
	int i;

	/* Fold the key through SplitMix64 so nearby keys give unrelated states. */
	x = splitmix(&x) ^ ((uint64_t)source << 32 | channel);
	x = splitmix(&x) ^ purpose;
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

static void zig_build(void)
{
	const double m1 = 2147483648.0, vn = 9.91256303526217e-3;
	double dn = 3.442619855899, tn = dn, q;
	int i;

	q = vn / exp(-0.5 * dn * dn);
	sg_zig_k[0] = (uint32_t)((dn / q) * m1);
	sg_zig_k[1] = 0;
	sg_zig_w[0] = (float)(q / m1);
	sg_zig_w[127] = (float)(dn / m1);
	sg_zig_f[0] = 1.0f;
	sg_zig_f[127] = (float)exp(-0.5 * dn * dn);
	for (i = 126; i >= 1; i--) {
		dn = sqrt(-2.0 * log(vn / dn + exp(-0.5 * dn * dn)));
		sg_zig_k[i + 1] = (uint32_t)((dn / tn) * m1);
		tn = dn;
		sg_zig_f[i] = (float)exp(-0.5 * dn * dn);
		sg_zig_w[i] = (float)(dn / m1);
	}
}

/* Inverse normal CDF: Acklam's rational approximation + one Halley step (~1e-15). */
static double inv_norm(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
				    -2.759285104469687e+02, 1.383577518672690e+02,
				    -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
				    -1.556989798598866e+02, 6.680131188771972e+01,
				    -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
				    -2.400758277161838e+00, -2.549732539343734e+00,
				    4.374664141464968e+00,  2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
				    2.445134137142996e+00, 3.754408661907416e+00 };
	double q, r, x, e, u;

	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p > 1 - 0.02425) {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	e = 0.5 * erfc(-x / sqrt(2)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

static float ntab[65536];

static void tables_build(void)
{
	const char *env;
	double ss = 0;
	int i;

	zig_build();
#ifdef SG_HAVE_X86_SIMD
	__builtin_cpu_init();
	simd_level = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
	env = getenv("SIGGEN_NO_SIMD"); /* for tests: force the portable path */
	if (env && *env && strcmp(env, "0") != 0)
		simd_level = 0;
#endif
	for (i = 0; i < 65536; i++) {
		double v = inv_norm((i + 0.5) / 65536.0);

		ntab[i] = (float)v;
		ss += v * v;
	}
	/* Unit variance for the sum of two draws / sqrt(2). */
	for (i = 0; i < 65536; i++)
		ntab[i] = (float)(ntab[i] / sqrt(ss / 65536.0) / sqrt(2.0));
}

void sg_zig_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, tables_build);
}

uint64_t sg_key(uint64_t seed, uint32_t source, uint32_t channel, uint32_t purpose)
{
	struct sg_rng r;

	sg_rng_init(&r, seed, source, channel, purpose);
	return r.s[0] ^ r.s[1];
}

static inline uint32_t fmix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

/* Portable form; the SIMD forms below give bit-identical results (no FMA contraction). */
static void noise_run_c(uint32_t k1, uint32_t k2, uint32_t t0, float *restrict out, size_t n,
			float sigma)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t x = fmix32(fmix32(((uint32_t)i + t0) ^ k1) + k2);

		out[i] += sigma * (ntab[x & 0xffff] + ntab[x >> 16]);
	}
}

#ifdef SG_HAVE_X86_SIMD
__attribute__((target("avx2"))) static inline __m256i fmix32_v8(__m256i x)
{
	x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
	x = _mm256_mullo_epi32(x, _mm256_set1_epi32((int)0x85ebca6bu));
	x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 13));
	x = _mm256_mullo_epi32(x, _mm256_set1_epi32((int)0xc2b2ae35u));
	return _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
}

/* Explicit gathers: compilers otherwise extract the indices and load one by one. */
__attribute__((target("avx2"))) static void noise_run_avx2(uint32_t k1, uint32_t k2, uint32_t t0,
							   float *restrict out, size_t n,
							   float sigma)
{
	const __m256i step = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0),
		      lo = _mm256_set1_epi32(0xffff);
	const __m256i vk1 = _mm256_set1_epi32((int)k1), vk2 = _mm256_set1_epi32((int)k2);
	const __m256 vs = _mm256_set1_ps(sigma);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i t = _mm256_add_epi32(_mm256_set1_epi32((int)(t0 + (uint32_t)i)), step);
		__m256i x = fmix32_v8(_mm256_add_epi32(fmix32_v8(_mm256_xor_si256(t, vk1)), vk2));
		__m256 a = _mm256_i32gather_ps(ntab, _mm256_and_si256(x, lo), 4);
		__m256 b = _mm256_i32gather_ps(ntab, _mm256_srli_epi32(x, 16), 4);
		__m256 v = _mm256_mul_ps(vs, _mm256_add_ps(a, b));

		_mm256_storeu_ps(out + i, _mm256_add_ps(_mm256_loadu_ps(out + i), v));
	}
	noise_run_c(k1, k2, t0 + (uint32_t)i, out + i, n - i, sigma);
}

__attribute__((target("avx512f"))) static inline __m512i fmix32_v16(__m512i x)
{
	x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
	x = _mm512_mullo_epi32(x, _mm512_set1_epi32((int)0x85ebca6bu));
	x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 13));
	x = _mm512_mullo_epi32(x, _mm512_set1_epi32((int)0xc2b2ae35u));
	return _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
}

__attribute__((target("avx512f"))) static void noise_run_avx512(uint32_t k1, uint32_t k2,
								uint32_t t0, float *restrict out,
								size_t n, float sigma)
{
	const __m512i step = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	const __m512i lo = _mm512_set1_epi32(0xffff);
	const __m512i vk1 = _mm512_set1_epi32((int)k1), vk2 = _mm512_set1_epi32((int)k2);
	const __m512 vs = _mm512_set1_ps(sigma);
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		__m512i t = _mm512_add_epi32(_mm512_set1_epi32((int)(t0 + (uint32_t)i)), step);
		__m512i x = fmix32_v16(_mm512_add_epi32(fmix32_v16(_mm512_xor_si512(t, vk1)), vk2));
		__m512 a = _mm512_i32gather_ps(_mm512_and_si512(x, lo), ntab, 4);
		__m512 b = _mm512_i32gather_ps(_mm512_srli_epi32(x, 16), ntab, 4);
		__m512 v = _mm512_mul_ps(vs, _mm512_add_ps(a, b));

		_mm512_storeu_ps(out + i, _mm512_add_ps(_mm512_loadu_ps(out + i), v));
	}
	noise_run_c(k1, k2, t0 + (uint32_t)i, out + i, n - i, sigma);
}
#endif

static void noise_run(uint32_t k1, uint32_t k2, uint32_t t0, float *restrict out, size_t n,
		      float sigma)
{
#ifdef SG_HAVE_X86_SIMD
	if (simd_level == 2) {
		noise_run_avx512(k1, k2, t0, out, n, sigma);
		return;
	}
	if (simd_level == 1) {
		noise_run_avx2(k1, k2, t0, out, n, sigma);
		return;
	}
#endif
	noise_run_c(k1, k2, t0, out, n, sigma);
}

void sg_noise_add(uint64_t key, uint64_t t0, float *out, size_t n, float sigma)
{
	while (n > 0) {
		/* Split where the low 32 bits of t wrap; the high bits rekey the hash. */
		uint64_t hi = t0 >> 32, room = (UINT64_C(1) << 32) - (t0 & 0xffffffffu);
		uint64_t x = key ^ (hi * UINT64_C(0x9e3779b97f4a7c15));
		size_t m = n < room ? n : (size_t)room;

		x = (x ^ (x >> 31)) * UINT64_C(0xbf58476d1ce4e5b9);
		x ^= x >> 29;
		noise_run((uint32_t)x, (uint32_t)(x >> 32), (uint32_t)t0, out, m, sigma);
		out += m;
		n -= m;
		t0 += m;
	}
}

float sg_normal_slow(struct sg_rng *r, uint64_t u)
{
	const double rr = 3.442620;

	for (;;) {
		unsigned i = (unsigned)(u & 127);
		int32_t h = (int32_t)(u >> 32);
		uint32_t a = h < 0 ? (uint32_t)(-(int64_t)h) : (uint32_t)h;
		double x = (double)h * sg_zig_w[i];

		if (a < sg_zig_k[i])
			return (float)x;
		if (i == 0) {
			double y;

			do {
				x = -log(sg_uniform(r)) * 0.2904764;
				y = -log(sg_uniform(r));
			} while (y + y < x * x);
			return (float)(h > 0 ? rr + x : -rr - x);
		}
		if (sg_zig_f[i] + sg_uniform(r) * (sg_zig_f[i - 1] - sg_zig_f[i]) <
		    exp(-0.5 * x * x))
			return (float)x;
		u = sg_next(r);
	}
}

/* |H(f)|^2 of the cascade, f in Hz. */
static double pink_gain2(const struct sg_pink *p, double f, double fs)
{
	double w = 2 * M_PI * f / fs, g = 1;
	int k;

	for (k = 0; k < p->n; k++) {
		double nr = p->b0[k] + p->b1[k] * cos(w), ni = -p->b1[k] * sin(w);
		double dr = 1 + p->a1[k] * cos(w), di = -p->a1[k] * sin(w);

		g *= (nr * nr + ni * ni) / (dr * dr + di * di);
	}
	return g;
}

void sg_pink_init(struct sg_pink *p, double alpha, double fs, double f_lo_hz, double f_hi_hz)
{
	const double ratio = 2.0; /* one pole per octave */
	double fp, var = 0, prev_f = 0, prev_g;
	int k, i;

	*p = (struct sg_pink){ 0 };
	if (f_hi_hz > 0.45 * fs)
		f_hi_hz = 0.45 * fs;
	if (f_lo_hz > f_hi_hz / 2)
		f_lo_hz = f_hi_hz / 2;
	for (fp = f_lo_hz, k = 0; fp < f_hi_hz && k < SG_PINK_MAX; fp *= ratio, k++) {
		double fz = fp * pow(ratio, alpha / 2), K = 2 * fs, wp, wz;

		if (fz > 0.49 * fs)
			fz = 0.49 * fs;
		wp = K * tan(M_PI * fp / fs);
		wz = K * tan(M_PI * fz / fs);
		p->b0[k] = (1 + K / wz) / (1 + K / wp);
		p->b1[k] = (1 - K / wz) / (1 + K / wp);
		p->a1[k] = (1 - K / wp) / (1 + K / wp);
	}
	p->n = k;
	/* Variance for unit-variance white input: (2/fs) * integral_0^{fs/2} |H|^2 df. */
	prev_g = pink_gain2(p, 0, fs);
	for (i = 0; i <= 4000; i++) {
		double f = 1e-4 * pow(fs / 2 / 1e-4, i / 4000.0), g = pink_gain2(p, f, fs);

		var += 0.5 * (g + prev_g) * (f - prev_f);
		prev_f = f;
		prev_g = g;
	}
	var *= 2 / fs;
	p->norm = var > 0 ? 1 / sqrt(var) : 1;
}

void sg_env_init(struct sg_env *e, uint64_t seed, uint32_t src, uint32_t ch, double fs,
		 double tau_s)
{
	double a, b, var;

	sg_rng_init(&e->rng, seed, src, ch, SG_P_ENV);
	a = 1 - exp(-1 / (tau_s * fs));
	b = 1 - a;
	/* Energy of a^2 / (1 - b z^-1)^2: a^4 (1 + b^2) / (1 - b^2)^3. */
	var = a * a * a * a * (1 + b * b) / ((1 - b * b) * (1 - b * b) * (1 - b * b));
	e->a = a;
	e->y1 = e->y2 = 0;
	e->norm = var > 0 ? 1 / sqrt(var) : 1;
}
