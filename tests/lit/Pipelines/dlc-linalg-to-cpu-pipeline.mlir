// RUN: dlc-opt %s --dlc-linalg-to-cpu-pipeline='cpu=skylake-avx512' | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: dlc-opt %s --dlc-linalg-to-cpu-pipeline='cpu=x86-64-v3' | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: not dlc-opt %s --dlc-linalg-to-cpu-pipeline='cpu=pentium9' 2>&1 | FileCheck %s --check-prefix=BAD

// Tests that the CPU pipeline takes linalg on tensors to the LLVM dialect,
// the result becoming a third memref argument (an out-parameter the caller
// allocates), each loop nest a kernel of its own that knows which of its
// pointers alias no other, and sizes its register blocks for the target:
// 4 channels x 32 pixels with AVX-512, 4 x 16 with AVX2 (x86-64-v3). An
// unknown CPU is an error.

// CHECK-LABEL: llvm.func @conv_1(
// CHECK-SAME: ["dlc-noalias-params", "{{[0-9,]+}}"]
// AVX512: llvm.fmul {{.*}} : vector<32xf32>
// AVX2-NOT: vector<32xf32>
// AVX2: llvm.fmul {{.*}} : vector<16xf32>
// CHECK-LABEL: llvm.func @conv(
// CHECK-SAME: %arg22: !llvm.ptr, %arg23: !llvm.ptr
// CHECK: llvm.call @conv_1(
// CHECK: llvm.return
// BAD: unknown CPU 'pentium9'
func.func @conv(%x: tensor<1x8x66x66xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x64x64xf32>
  %o = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x64x64xf32>) -> tensor<1x16x64x64xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x66x66xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<1x16x64x64xf32>) -> tensor<1x16x64x64xf32>
  return %0 : tensor<1x16x64x64xf32>
}
