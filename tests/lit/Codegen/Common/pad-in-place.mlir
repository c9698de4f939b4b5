// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-pad-in-place))' | FileCheck %s
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-pad-in-place),one-shot-bufferize{bufferize-function-boundaries},cse,canonicalize)' | FileCheck %s --check-prefix=BUF

// Tests that a layer computed into a tensor.empty (here through a tile
// loop) is computed into the interior of a fresh padded tensor instead, that
// a later reader of the layer (a residual) reads it there, and that the
// network's input, which no layer computed, is still copied into its
// padding. After bufferisation (and folding copies of a view onto
// itself) the only copy is the input's.

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>

// CHECK-LABEL: func.func @pad_twice(
// CHECK: %[[N:.*]] = tensor.dim %arg0
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x4x10x10xf32>
// CHECK: %[[ZEROS:.*]] = linalg.fill {{.*}} outs(%[[EMPTY]] :
// CHECK: %[[X:.*]] = tensor.insert_slice %arg0 into %[[ZEROS]][0, 0, 1, 1]
// CHECK: %[[FRESH:.*]] = bufferization.alloc_tensor(%[[N]]) : tensor<?x4x10x10xf32>
// CHECK: %[[PADDED:.*]] = linalg.fill {{.*}} outs(%[[FRESH]] :
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[PADDED]][0, 0, 1, 1] [%[[N]], 4, 8, 8] [1, 1, 1, 1]
// CHECK: %[[Y:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[INTERIOR]])
// CHECK: %[[P:.*]] = tensor.insert_slice %[[Y]] into %[[PADDED]][0, 0, 1, 1]
// CHECK: %[[INSIDE:.*]] = tensor.extract_slice %[[P]][0, 0, 1, 1] [%[[N]], 4, 8, 8]
// CHECK: %[[WINDOW:.*]] = tensor.extract_slice %[[P]][0, 0, 0, 0]
// CHECK: linalg.add ins(%[[WINDOW]], %[[INSIDE]] :

// BUF-LABEL: func.func @pad_twice(
// BUF: memref.copy %arg0
// BUF-NOT: memref.copy
// BUF: return
func.func @pad_twice(%x: tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x8x8xf32>
  %e = tensor.empty(%n) : tensor<?x4x10x10xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x10x10xf32>) -> tensor<?x4x10x10xf32>
  %xp = tensor.insert_slice %x into %zeros[0, 0, 1, 1] [%n, 4, 8, 8] [1, 1, 1, 1]
      : tensor<?x4x8x8xf32> into tensor<?x4x10x10xf32>
  %out = tensor.empty(%n) : tensor<?x4x8x8xf32>
  %y = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %out) -> (tensor<?x4x8x8xf32>) {
    %in = tensor.extract_slice %xp[%i, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
        : tensor<?x4x10x10xf32> to tensor<1x4x8x8xf32>
    %tile = tensor.extract_slice %acc[%i, 0, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1]
        : tensor<?x4x8x8xf32> to tensor<1x4x8x8xf32>
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%in : tensor<1x4x8x8xf32>) outs(%tile : tensor<1x4x8x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %m = arith.maximumf %a, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x4x8x8xf32>
    %next = tensor.insert_slice %r into %acc[%i, 0, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1]
        : tensor<1x4x8x8xf32> into tensor<?x4x8x8xf32>
    scf.yield %next : tensor<?x4x8x8xf32>
  }
  // The next convolution's padded input, from the same (CSE-shared) zeros.
  %yp = tensor.insert_slice %y into %zeros[0, 0, 1, 1] [%n, 4, 8, 8] [1, 1, 1, 1]
      : tensor<?x4x8x8xf32> into tensor<?x4x10x10xf32>
  // A window of it (what a convolution reads) plus the residual.
  %window = tensor.extract_slice %yp[0, 0, 0, 0] [%n, 4, 8, 8] [1, 1, 1, 1]
      : tensor<?x4x10x10xf32> to tensor<?x4x8x8xf32>
  %z = linalg.add ins(%window, %y : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>)
      outs(%out : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %z : tensor<?x4x8x8xf32>
}
