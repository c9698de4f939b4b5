// RUN: dlc-opt %s --split-input-file --dlc-update-in-place | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-update-in-place \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   --drop-equivalent-buffer-results --cse --canonicalize | FileCheck %s --check-prefix=BUF

#map = affine_map<(d0) -> (d0)>

// Tests that an SGD-with-momentum update that reads the parameter and its
// momentum buffer element for element writes both into their arguments
// (the payload reads the old values from its outputs), each result is
// materialised in its argument, and after bufferisation the step returns
// only the loss and updates its arguments in place, with no copy.

// CHECK-LABEL: func.func @sgd(
// CHECK-SAME: %[[W:[^:]*]]: tensor<8xf32> {dl.param = "fc.weight"}, %[[M:[^:]*]]: tensor<8xf32> {dl.state = "m"}
// CHECK: %[[GRAD:.*]] = linalg.add
// CHECK: %[[U:.*]]:2 = linalg.generic {{.*}} ins(%[[GRAD]] : tensor<8xf32>) outs(%[[W]], %[[M]] : tensor<8xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[OLDW:.*]]: f32, %[[OLDM:.*]]: f32):
// CHECK-NEXT: arith.mulf %[[OLDM]]
// CHECK: arith.subf %[[OLDW]]
// CHECK: %[[RW:.*]] = bufferization.materialize_in_destination %[[U]]#0 in %[[W]]
// CHECK: %[[RM:.*]] = bufferization.materialize_in_destination %[[U]]#1 in %[[M]]
// CHECK: return %{{.*}}, %[[RW]], %[[RM]]

// BUF-LABEL: func.func @sgd(
// BUF-SAME: %[[W:[^:]*]]: memref<8xf32> {dl.param = "fc.weight"}, %[[M:[^:]*]]: memref<8xf32> {dl.state = "m"}, %{{.*}}: memref<8xf32>) -> (memref<f32> {dl.output = "loss"})
// BUF: linalg.add
// BUF: linalg.generic {{.*}} ins(%{{.*}} : memref<8xf32>) outs(%[[W]], %[[M]] : memref<8xf32>, memref<8xf32>)
// BUF-NOT: memref.copy
// BUF: return %{{.*}} : memref<f32>
func.func @sgd(%w: tensor<8xf32> {dl.param = "fc.weight"},
               %m: tensor<8xf32> {dl.state = "m"},
               %g: tensor<8xf32>)
    -> (tensor<f32> {dl.output = "loss"},
        tensor<8xf32> {dl.param = "fc.weight"},
        tensor<8xf32> {dl.state = "m"}) {
  %cst = arith.constant 0.9 : f32
  %lr = arith.constant 0.1 : f32
  %l = tensor.empty() : tensor<f32>
  %loss = linalg.fill ins(%cst : f32) outs(%l : tensor<f32>) -> tensor<f32>
  // A read of the old weight before the update (the forward pass).
  %e = tensor.empty() : tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%w : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %e2 = tensor.empty() : tensor<8xf32>
  %grad = linalg.add ins(%g, %y : tensor<8xf32>, tensor<8xf32>) outs(%e2 : tensor<8xf32>) -> tensor<8xf32>
  %u:2 = linalg.generic {indexing_maps = [#map, #map, #map, #map, #map], iterator_types = ["parallel"]}
      ins(%w, %grad, %m : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e, %e : tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%p: f32, %d: f32, %b: f32, %o1: f32, %o2: f32):
    %mb = arith.mulf %b, %cst : f32
    %nb = arith.addf %mb, %d : f32
    %step = arith.mulf %lr, %nb : f32
    %np = arith.subf %p, %step : f32
    linalg.yield %np, %nb : f32, f32
  } -> (tensor<8xf32>, tensor<8xf32>)
  return %loss, %u#0, %u#1 : tensor<f32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Tests that a new value that is not computed element for element from its
// argument (here a reversal) is still materialised in it: after
// bufferisation, a copy into the argument replaces the result. A result
// that is its argument unchanged needs nothing, and a result with no
// argument of the same name stays a result.

#rev = affine_map<(d0) -> (7 - d0)>
#id = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @other(
// CHECK: %[[R:.*]] = bufferization.materialize_in_destination %{{.*}} in %arg0
// CHECK: return %[[R]], %arg1, %{{.*}} :

// BUF-LABEL: func.func @other(
// BUF-SAME: -> (memref<8xf32> {dl.output = "y"})
// BUF: memref.copy %{{.*}}, %arg0
// BUF: return
func.func @other(%a: tensor<8xf32> {dl.buffer = "running_mean"},
                 %b: tensor<8xf32> {dl.buffer = "running_var"})
    -> (tensor<8xf32> {dl.buffer = "running_mean"},
        tensor<8xf32> {dl.buffer = "running_var"},
        tensor<8xf32> {dl.output = "y"}) {
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [#rev, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<8xf32>
  %e2 = tensor.empty() : tensor<8xf32>
  %y = linalg.add ins(%a, %b : tensor<8xf32>, tensor<8xf32>) outs(%e2 : tensor<8xf32>) -> tensor<8xf32>
  return %r, %b, %y : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Tests that the update of a large parameter (rows of 512 x 16 f32, 32 KB)
// is tiled for the threads in an scf.forall over tiles of about 64 KB
// (2 rows), still in place after bufferisation.

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @large(
// CHECK: %[[U:.*]]:2 = scf.forall (%[[I:.*]]) = (0) to (64) step (2) shared_outs(%{{.*}} = %arg0, %{{.*}} = %arg1)
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<2x512x16xf32>, tensor<2x512x16xf32>)
// CHECK: bufferization.materialize_in_destination %[[U]]#0 in %arg0
// CHECK: bufferization.materialize_in_destination %[[U]]#1 in %arg1

// BUF-LABEL: func.func @large(
// BUF: scf.forall
// BUF: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : memref<2x512x16xf32, strided<[8192, 16, 1], offset: ?>>, memref<2x512x16xf32, strided<[8192, 16, 1], offset: ?>>)
// BUF-NOT: memref.copy
// BUF: return
func.func @large(%w: tensor<64x512x16xf32> {dl.param = "w"},
                 %m: tensor<64x512x16xf32> {dl.state = "m"},
                 %g: tensor<64x512x16xf32>)
    -> (tensor<64x512x16xf32> {dl.param = "w"},
        tensor<64x512x16xf32> {dl.state = "m"}) {
  %cst = arith.constant 0.9 : f32
  %e = tensor.empty() : tensor<64x512x16xf32>
  %u:2 = linalg.generic {indexing_maps = [#id3, #id3, #id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g, %m : tensor<64x512x16xf32>, tensor<64x512x16xf32>, tensor<64x512x16xf32>) outs(%e, %e : tensor<64x512x16xf32>, tensor<64x512x16xf32>) {
  ^bb0(%p: f32, %d: f32, %b: f32, %o1: f32, %o2: f32):
    %mb = arith.mulf %b, %cst : f32
    %nb = arith.addf %mb, %d : f32
    %np = arith.subf %p, %nb : f32
    linalg.yield %np, %nb : f32, f32
  } -> (tensor<64x512x16xf32>, tensor<64x512x16xf32>)
  return %u#0, %u#1 : tensor<64x512x16xf32>, tensor<64x512x16xf32>
}
