// RUN: dlc-opt %s -convert-dl-to-linalg -cse -split-input-file | FileCheck %s

// The backward ops that the train step's end-to-end comparisons with
// PyTorch exercise, each checked here in its lowered form.

// Tests that relu_grad passes dy where the result y is positive.
// CHECK-LABEL: func.func @relu_grad
// CHECK: ^bb0(%[[DY:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[Y]], %[[ZERO]] : f32
// CHECK: %[[R:.*]] = arith.select %[[POS]], %[[DY]], %[[ZERO]] : f32
// CHECK: linalg.yield %[[R]]
func.func @relu_grad(%dy: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = dl.relu_grad %dy, %y : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----
// Tests that leaky_relu_grad scales dy by alpha where the input is not
// positive.
// CHECK-LABEL: func.func @leaky_relu_grad
// CHECK: ^bb0(%[[DY:.*]]: f32, %[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[X]], %{{.*}} : f32
// CHECK: %[[ALPHA:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[NEG:.*]] = arith.mulf %[[DY]], %[[ALPHA]] : f32
// CHECK: arith.select %[[POS]], %[[DY]], %[[NEG]] : f32
func.func @leaky_relu_grad(%dy: tensor<?x8xf32>, %x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = dl.leaky_relu_grad %dy, %x {alpha = 0.25 : f64} : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----
// Tests that sigmoid_grad is dy * y * (1 - y) of the result y.
// CHECK-LABEL: func.func @sigmoid_grad
// CHECK: ^bb0(%[[DY:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[C:.*]] = arith.subf %[[ONE]], %[[Y]] : f32
// CHECK: %[[D:.*]] = arith.mulf %[[Y]], %[[C]] : f32
// CHECK: arith.mulf %[[DY]], %[[D]] : f32
func.func @sigmoid_grad(%dy: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = dl.sigmoid_grad %dy, %y : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----
// Tests that tanh_grad is dy * (1 - y^2) of the result y.
// CHECK-LABEL: func.func @tanh_grad
// CHECK: ^bb0(%[[DY:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[SQ:.*]] = arith.mulf %[[Y]], %[[Y]] : f32
// CHECK: %[[D:.*]] = arith.subf %[[ONE]], %[[SQ]] : f32
// CHECK: arith.mulf %[[DY]], %[[D]] : f32
func.func @tanh_grad(%dy: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = dl.tanh_grad %dy, %y : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----
// Tests that softmax_grad is y * (dy - sum(dy * y)) along the axis: a
// product, a reduction over axis 1, a broadcast difference, a product.
// CHECK-LABEL: func.func @softmax_grad
// CHECK-SAME: (%[[DY:.*]]: tensor<?x8xf32>, %[[Y:.*]]: tensor<?x8xf32>)
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[DY]], %[[Y]] : {{.*}})
// CHECK: arith.mulf
// CHECK: %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[P]] : tensor<?x8xf32>) outs(%{{.*}} : tensor<?xf32>)
// CHECK: arith.addf
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%[[DY]], %[[S]] : tensor<?x8xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[D]], %[[Y]] : {{.*}})
// CHECK: arith.mulf
// CHECK: return %[[R]]
func.func @softmax_grad(%dy: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = dl.softmax_grad %dy, %y {axis = 1 : i64} : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----
// Tests that avgpool2d_grad gathers, for each input element, dy / (kernel
// area) of every window that covers it, over a (kh, kw) reduction.
// CHECK-LABEL: func.func @avgpool_grad
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<?x2x6x6xf32>)
// CHECK: %[[DY:.*]] = tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<?x2x3x3xf32>
// CHECK: %[[AREA:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: %[[PART:.*]] = arith.divf %[[DY]], %[[AREA]] : f32
// CHECK: %[[SUM:.*]] = arith.addf %[[OUT:.*]], %[[PART]] : f32
// CHECK: arith.select %{{.*}}, %[[SUM]], %[[OUT]] : f32
func.func @avgpool_grad(%dy: tensor<?x2x3x3xf32>, %x: tensor<?x2x6x6xf32>) -> tensor<?x2x6x6xf32> {
  %0 = dl.avgpool2d_grad %dy, %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : tensor<?x2x3x3xf32>, tensor<?x2x6x6xf32>
  return %0 : tensor<?x2x6x6xf32>
}

// -----
// Tests that reshape (flatten's backward) is an expand_shape keeping the
// dynamic batch.
// CHECK-LABEL: func.func @reshape
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x32xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3]] output_shape [%[[N]], 2, 4, 4] : tensor<?x32xf32> into tensor<?x2x4x4xf32>
func.func @reshape(%dy: tensor<?x32xf32>) -> tensor<?x2x4x4xf32> {
  %0 = dl.reshape %dy : tensor<?x32xf32> -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----
// Tests that slice (concat's backward) is an extract_slice at the offset.
// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %{{.*}}[0, 4, 0, 0] [%{{.*}}, 2, 4, 4] [1, 1, 1, 1] : tensor<?x6x4x4xf32> to tensor<?x2x4x4xf32>
func.func @slice(%dy: tensor<?x6x4x4xf32>) -> tensor<?x2x4x4xf32> {
  %0 = dl.slice %dy {axis = 1 : i64, offset = 4 : i64} : tensor<?x6x4x4xf32> -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----
// Tests batchnorm_grad: dbias = sum(dy) and dweight = sum(dy * xhat) per
// channel, then dx = weight / sqrt(var + eps) * (dy - dbias/n - xhat *
// dweight/n) with n = N*H*W values per channel.
// CHECK-LABEL: func.func @batchnorm_grad
// CHECK-SAME: (%[[DY:.*]]: tensor<?x4x3x3xf32>, %[[X:.*]]: tensor<?x4x3x3xf32>, %[[W:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4xf32>, %[[V:.*]]: tensor<4xf32>)
// CHECK: %[[NF:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: %[[DB:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[DY]] : tensor<?x4x3x3xf32>)
// CHECK: %[[DW:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[DY]], %[[X]], %[[M]], %[[V]] : {{.*}})
// CHECK: math.sqrt
// CHECK: %[[DX:.*]] = linalg.generic {{.*}} ins(%[[DY]], %[[X]], %[[W]], %[[M]], %[[V]], %[[DB]], %[[DW]] : {{.*}})
// CHECK: arith.divf %{{.*}}, %[[NF]] : f32
// CHECK: arith.divf %{{.*}}, %[[NF]] : f32
// CHECK: return %[[DX]], %[[DW]], %[[DB]]
func.func @batchnorm_grad(%dy: tensor<?x4x3x3xf32>, %x: tensor<?x4x3x3xf32>, %w: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<?x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %dx, %dw, %db = dl.batchnorm_grad %dy, %x, %w, %m, %v {eps = 1.0e-5 : f64} : tensor<?x4x3x3xf32>, tensor<4xf32>
  return %dx, %dw, %db : tensor<?x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----
// Tests cross_entropy_grad: (softmax(x) - onehot(t)) * g / N, the softmax
// stabilised by the row maximum and the label clamped into [0, K).
// CHECK-LABEL: func.func @cross_entropy_grad
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: %[[N:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: %[[G:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: %[[SCALE:.*]] = arith.divf %[[G]], %[[N]] : f32
// CHECK: linalg.generic
// CHECK: %[[P:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i32
// CHECK: %[[LAST:.*]] = arith.constant 4 : i32
// CHECK: arith.minsi %{{.*}}, %[[LAST]] : i32
// CHECK: %[[HOT:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: %[[D:.*]] = arith.subf %[[P]], %[[HOT]] : f32
// CHECK: arith.mulf %[[D]], %[[SCALE]] : f32
func.func @cross_entropy_grad(%x: tensor<?x5xf32>, %t: tensor<?xi32>, %g: tensor<f32>) -> tensor<?x5xf32> {
  %0 = dl.cross_entropy_grad %x, %t, %g : tensor<?x5xf32>, tensor<?xi32>
  return %0 : tensor<?x5xf32>
}

// -----
// Tests mse_grad: 2 (x - t) * g / (number of elements).
// CHECK-LABEL: func.func @mse_grad
// CHECK: %[[N:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: %[[SCALE:.*]] = arith.divf %{{.*}}, %[[N]] : f32
// CHECK: ^bb0(%[[X:.*]]: f32, %[[T:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = arith.subf %[[X]], %[[T]] : f32
// CHECK: %[[D2:.*]] = arith.addf %[[D]], %[[D]] : f32
// CHECK: arith.mulf %[[D2]], %[[SCALE]] : f32
func.func @mse_grad(%x: tensor<?x3xf32>, %t: tensor<?x3xf32>, %g: tensor<f32>) -> tensor<?x3xf32> {
  %0 = dl.mse_grad %x, %t, %g : tensor<?x3xf32>, tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----
// Tests l1_grad: sign(x - t) * g / (number of elements), 0 where x == t.
// CHECK-LABEL: func.func @l1_grad
// CHECK: %[[SCALE:.*]] = arith.divf
// CHECK: ^bb0(%[[X:.*]]: f32, %[[T:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[X]], %[[T]] : f32
// CHECK: %[[LT:.*]] = arith.cmpf olt, %[[X]], %[[T]] : f32
// CHECK: %[[UP:.*]] = arith.select %[[GT]], %{{.*}}, %{{.*}} : f32
// CHECK: %[[MINUS:.*]] = arith.constant -1.000000e+00 : f32
// CHECK: %[[SIGN:.*]] = arith.select %[[LT]], %[[MINUS]], %[[UP]] : f32
// CHECK: arith.mulf %[[SIGN]], %[[SCALE]] : f32
func.func @l1_grad(%x: tensor<?x3xf32>, %t: tensor<?x3xf32>, %g: tensor<f32>) -> tensor<?x3xf32> {
  %0 = dl.l1_grad %x, %t, %g : tensor<?x3xf32>, tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----
// Tests bce_with_logits_grad: (sigmoid(x) - t) * g / (number of elements).
// CHECK-LABEL: func.func @bce_grad
// CHECK: %[[SCALE:.*]] = arith.divf
// CHECK: ^bb0(%[[X:.*]]: f32, %[[T:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[NEG:.*]] = arith.negf %[[X]] : f32
// CHECK: %[[E:.*]] = math.exp %[[NEG]] : f32
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[DEN:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK: %[[SIG:.*]] = arith.divf %[[ONE]], %[[DEN]] : f32
// CHECK: %[[D:.*]] = arith.subf %[[SIG]], %[[T]] : f32
// CHECK: arith.mulf %[[D]], %[[SCALE]] : f32
func.func @bce_grad(%x: tensor<?x3xf32>, %t: tensor<?x3xf32>, %g: tensor<f32>) -> tensor<?x3xf32> {
  %0 = dl.bce_with_logits_grad %x, %t, %g : tensor<?x3xf32>, tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----
// Tests dice_grad: with I = sum(p t) and S = sum(p) + sum(t) per sample and
// channel, d(1 - (2I + 1)/(S + 1))/dp = -(2t (S + 1) - (2I + 1)) / (S + 1)^2,
// written ((2I + 1) - 2t (S + 1)) / (S + 1)^2, times g / (N * C).
// CHECK-LABEL: func.func @dice_grad
// CHECK: %[[I:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.mulf
// CHECK: %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: %[[SCALE:.*]] = arith.divf
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[I]], %[[S]] : tensor<?x1x4x4xf32>, tensor<?x1xf32>, tensor<?x1xf32>)
// CHECK: ^bb0(%[[T:.*]]: f32, %[[IV:.*]]: f32, %[[SV:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[S1:.*]] = arith.addf %[[SV]], %[[ONE]] : f32
// CHECK: %[[I2:.*]] = arith.addf %[[IV]], %[[IV]] : f32
// CHECK: %[[NUM:.*]] = arith.addf %[[I2]], %[[ONE]] : f32
// CHECK: %[[T2:.*]] = arith.addf %[[T]], %[[T]] : f32
// CHECK: %[[T2S:.*]] = arith.mulf %[[T2]], %[[S1]] : f32
// CHECK: %[[SQ:.*]] = arith.mulf %[[S1]], %[[S1]] : f32
// CHECK: %[[DIFF:.*]] = arith.subf %[[NUM]], %[[T2S]] : f32
// CHECK: %[[Q:.*]] = arith.divf %[[DIFF]], %[[SQ]] : f32
// CHECK: arith.mulf %[[Q]], %[[SCALE]] : f32
func.func @dice_grad(%x: tensor<?x1x4x4xf32>, %t: tensor<?x1x4x4xf32>, %g: tensor<f32>) -> tensor<?x1x4x4xf32> {
  %0 = dl.dice_grad %x, %t, %g : tensor<?x1x4x4xf32>, tensor<?x1x4x4xf32>
  return %0 : tensor<?x1x4x4xf32>
}
