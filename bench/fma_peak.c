/* The machine's FMA peak on one core, in GFLOP/s: what a convolution's
 * GFLOP/s is measured against (bench/conv_report.py). Independent chains
 * of vector FMAs, enough to hide their latency, for AVX-512 and AVX2.
 *   cc -O3 bench/fma_peak.c -o fma_peak && ./fma_peak   (-O3: the chains stay in registers)
 * prints {"avx512": G, "avx2": G} (null where the CPU lacks it). */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

enum { kChains = 12, kSteps = 50 * 1000 * 1000 };

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#define PEAK(name, isa, vec, set1, fma, add, lanes)                           \
  __attribute__((target(isa))) static double name(void) {                     \
    vec acc[kChains];                                                         \
    for (int i = 0; i < kChains; ++i)                                         \
      acc[i] = set1(i * 1e-3f);                                               \
    vec a = set1(0.999999f), b = set1(1e-7f);                                 \
    double start = seconds();                                                 \
    for (long s = 0; s < kSteps; ++s)                                         \
      for (int i = 0; i < kChains; ++i)                                       \
        acc[i] = fma(acc[i], a, b);                                           \
    double elapsed = seconds() - start;                                       \
    vec sum = acc[0];                                                         \
    for (int i = 1; i < kChains; ++i)                                         \
      sum = add(sum, acc[i]);                                                 \
    volatile float sink = ((float *)&sum)[0]; /* keeps the loop */            \
    (void)sink;                                                               \
    return 2.0 * lanes * kChains * (double)kSteps / elapsed * 1e-9;           \
  }

PEAK(peakAvx512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps,
     _mm512_add_ps, 16)
PEAK(peakAvx2, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps,
     _mm256_add_ps, 8)

int main(void) {
  __builtin_cpu_init();
  char avx512[32] = "null", avx2[32] = "null";
  if (__builtin_cpu_supports("avx512f"))
    snprintf(avx512, sizeof avx512, "%.1f", peakAvx512());
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    snprintf(avx2, sizeof avx2, "%.1f", peakAvx2());
  printf("{\"avx512\": %s, \"avx2\": %s}\n", avx512, avx2);
  return 0;
}
