// RUN: dlc-opt %s -convert-dl-to-linalg -cse -split-input-file | FileCheck %s

// Tests a strided convolution's input gradient: one stride-1 convolution
// per phase of the input (stride 2: 4), each with the taps that reach it
// (3x3, padding 1: 1x1, 1x2, 2x1, 2x2, flipped and transposed) over a
// window of dy (zero past its edge), written at stride 2 into dx; no
// spreading into zeros.
// CHECK-DAG: #[[T00:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2 * -2 + 1, d3 * -2 + 1)>
// CHECK-DAG: #[[T11:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2 * -2 + 2, d3 * -2 + 2)>
// CHECK-LABEL: func.func @conv_grad_input
func.func @conv_grad_input(%dy: tensor<?x8x4x4xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<?x3x8x8xf32> {
  // CHECK: %[[DX:.*]] = tensor.empty(%{{.*}}) : tensor<?x3x8x8xf32>
  // CHECK: %[[K00:.*]] = linalg.generic {indexing_maps = [#[[T00]], {{.*}}]} ins(%{{.*}} : tensor<8x3x3x3xf32>) outs(%{{.*}} : tensor<3x8x1x1xf32>)
  // CHECK: %[[C00:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %[[K00]] : tensor<?x8x4x4xf32>, tensor<3x8x1x1xf32>)
  // CHECK: %[[P00:.*]] = tensor.insert_slice %[[C00]] into %[[DX]][0, 0, 0, 0] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
  // CHECK: linalg.conv_2d_nchw_fchw {{.*}} : tensor<?x8x4x5xf32>, tensor<3x8x1x2xf32>
  // CHECK: tensor.insert_slice %{{.*}}[0, 0, 0, 1] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
  // CHECK: linalg.conv_2d_nchw_fchw {{.*}} : tensor<?x8x5x4xf32>, tensor<3x8x2x1xf32>
  // CHECK: tensor.insert_slice %{{.*}}[0, 0, 1, 0] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
  // CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<?x8x5x5xf32>
  // CHECK: %[[W11:.*]] = tensor.insert_slice %{{.*}} into %[[Z]][0, 0, 0, 0] [%{{.*}}, 8, 4, 4] [1, 1, 1, 1]
  // CHECK: %[[K11:.*]] = linalg.generic {indexing_maps = [#[[T11]], {{.*}}]} ins(%{{.*}} : tensor<8x3x3x3xf32>) outs(%{{.*}} : tensor<3x8x2x2xf32>)
  // CHECK: %[[C11:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[W11]], %[[K11]] : tensor<?x8x5x5xf32>, tensor<3x8x2x2xf32>)
  // CHECK: %[[R:.*]] = tensor.insert_slice %[[C11]] into %{{.*}}[0, 0, 1, 1] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
  // CHECK: return %[[R]]
  %dx = dl.conv2d_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>}
      : tensor<?x8x4x4xf32>, tensor<8x3x3x3xf32> -> tensor<?x3x8x8xf32>
  return %dx : tensor<?x3x8x8xf32>
}

// -----
// Tests a 1x1 stride-2 convolution's input gradient (a projection
// shortcut's): only the even positions receive a tap, the others stay
// zero.
// CHECK-LABEL: func.func @shortcut_grad_input
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<?x3x8x8xf32>
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%arg0, %{{.*}} : tensor<?x8x4x4xf32>, tensor<3x8x1x1xf32>)
// CHECK: %[[R:.*]] = tensor.insert_slice %[[C]] into %[[Z]][0, 0, 0, 0] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
// CHECK-NOT: tensor.insert_slice
// CHECK: return %[[R]]
func.func @shortcut_grad_input(%dy: tensor<?x8x4x4xf32>, %w: tensor<8x3x1x1xf32>) -> tensor<?x3x8x8xf32> {
  %dx = dl.conv2d_grad_input %dy, %w {stride = array<i64: 2, 2>}
      : tensor<?x8x4x4xf32>, tensor<8x3x1x1xf32> -> tensor<?x3x8x8xf32>
  return %dx : tensor<?x3x8x8xf32>
}

// -----
// Tests a strided and dilated convolution's input gradient: dy spread by
// the stride into zeros (insert_slice with strides 2), the kernel flipped
// and transposed, then a stride-1 convolution the CPU pipeline treats as
// any other.
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, -d2 + 2, -d3 + 2)>
// CHECK-LABEL: func.func @dilated_grad_input
func.func @dilated_grad_input(%dy: tensor<?x8x4x4xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<?x3x8x8xf32> {
  // CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<?x8x12x12xf32>
  // CHECK: %[[S:.*]] = tensor.insert_slice %{{.*}} into %[[Z]][0, 0, 2, 2] [%{{.*}}, 8, 4, 4] [1, 1, 2, 2]
  // CHECK: %[[K:.*]] = linalg.generic {indexing_maps = [#[[FLIP]], {{.*}}]} ins(%{{.*}} : tensor<8x3x3x3xf32>) outs(%{{.*}} : tensor<3x8x3x3xf32>)
  // CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[S]], %[[K]] : tensor<?x8x12x12xf32>, tensor<3x8x3x3xf32>)
  %dx = dl.conv2d_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 2, 2>, dilation = array<i64: 2, 2>}
      : tensor<?x8x4x4xf32>, tensor<8x3x3x3xf32> -> tensor<?x3x8x8xf32>
  return %dx : tensor<?x3x8x8xf32>
}

// -----
// Tests a convolution's weight gradient: the input's patches (im2col, one
// row (c, i, j) per weight, the batch and the output's pixels innermost)
// and the transposed output gradient, both contiguous along N*OH*OW,
// contracted by one product with B transposed.
// CHECK-DAG: #[[CMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 * 2 + d1, d5 * 2 + d2)>
// CHECK-LABEL: func.func @conv_grad_weight
func.func @conv_grad_weight(%x: tensor<?x3x8x8xf32>, %dy: tensor<?x8x4x4xf32>) -> tensor<8x3x3x3xf32> {
  // CHECK: %[[COLS:.*]] = linalg.generic {indexing_maps = [#[[CMAP]], {{.*}}]} ins(%{{.*}} : tensor<?x3x10x10xf32>) outs(%{{.*}} : tensor<3x3x3x?x4x4xf32>)
  // CHECK: %[[DYT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<?x8x4x4xf32>) outs(%{{.*}} : tensor<8x?x4x4xf32>)
  // CHECK: %[[L:.*]] = tensor.collapse_shape %[[DYT]] {{\[}}[0], [1, 2, 3]] : tensor<8x?x4x4xf32> into tensor<8x?xf32>
  // CHECK: %[[R:.*]] = tensor.collapse_shape %[[COLS]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<3x3x3x?x4x4xf32> into tensor<27x?xf32>
  // CHECK: %[[P:.*]] = linalg.matmul_transpose_b ins(%[[L]], %[[R]] : tensor<8x?xf32>, tensor<27x?xf32>)
  // CHECK: tensor.expand_shape %[[P]] {{\[}}[0], [1, 2, 3]]{{.*}} : tensor<8x27xf32> into tensor<8x3x3x3xf32>
  %dw = dl.conv2d_grad_weight %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>}
      : tensor<?x3x8x8xf32>, tensor<?x8x4x4xf32> -> tensor<8x3x3x3xf32>
  return %dw : tensor<8x3x3x3xf32>
}

// -----
// Tests a grouped convolution's weight gradient: one generic, reductions
// over the batch and the output's rows and columns, the input channel
// found from the group of the output channel.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, (d0 floordiv 4) * 2 + d1, d5 + d2, d6 + d3)>
// CHECK-DAG: #[[DY:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d5, d6)>
// CHECK-DAG: #[[DW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @grouped_conv_grad_weight
func.func @grouped_conv_grad_weight(%x: tensor<?x4x6x6xf32>, %dy: tensor<?x8x4x4xf32>) -> tensor<8x2x3x3xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[X]], #[[DY]], #[[DW]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
  %dw = dl.conv2d_grad_weight %x, %dy {groups = 2 : i64}
      : tensor<?x4x6x6xf32>, tensor<?x8x4x4xf32> -> tensor<8x2x3x3xf32>
  return %dw : tensor<8x2x3x3xf32>
}

// -----
// Tests dense's backward: the two matrix products and the bias sum.
// CHECK-LABEL: func.func @dense_grads
func.func @dense_grads(%dy: tensor<?x10xf32>, %w: tensor<10x64xf32>, %x: tensor<?x64xf32>)
    -> (tensor<?x64xf32>, tensor<10x64xf32>, tensor<10xf32>) {
  // CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<10x64xf32>)
  %dx = dl.matmul %dy, %w : tensor<?x10xf32>, tensor<10x64xf32> -> tensor<?x64xf32>
  // CHECK: linalg.matmul_transpose_a ins(%{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?x64xf32>) outs(%{{.*}} : tensor<10x64xf32>)
  %dw = dl.matmul %dy, %x {transpose_a} : tensor<?x10xf32>, tensor<?x64xf32> -> tensor<10x64xf32>
  // CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
  %db = dl.channel_sum %dy : tensor<?x10xf32> -> tensor<10xf32>
  return %dx, %dw, %db : tensor<?x64xf32>, tensor<10x64xf32>, tensor<10xf32>
}

// -----
// Tests max pooling's backward: the window's first maximum (strictly
// greater replaces), then a gather over the windows holding each input.
// CHECK-LABEL: func.func @maxpool_grad
func.func @maxpool_grad(%dy: tensor<?x2x3x3xf32>, %x: tensor<?x2x7x7xf32>) -> tensor<?x2x7x7xf32> {
  // CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
  // CHECK: arith.cmpf ogt
  // CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
  // CHECK-SAME: ins(%{{.*}} : tensor<2x2xf32>) outs(%{{.*}} : tensor<?x2x7x7xf32>)
  // CHECK: tensor.extract %{{.*}} : tensor<?x2x3x3xf32>
  // CHECK: tensor.extract %{{.*}} : tensor<?x2x3x3xi32>
  %dx = dl.maxpool2d_grad %dy, %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>}
      : tensor<?x2x3x3xf32>, tensor<?x2x7x7xf32>
  return %dx : tensor<?x2x7x7xf32>
}

// -----
// Tests cross-entropy: log-sum-exp minus the target's logit, averaged.
// CHECK-LABEL: func.func @cross_entropy
func.func @cross_entropy(%x: tensor<?x5xf32>, %t: tensor<?xi32>) -> tensor<f32> {
  // CHECK: arith.maximumf
  // CHECK: math.exp
  // CHECK: arith.maxsi
  // CHECK: arith.minsi
  // CHECK: tensor.extract %{{.*}} : tensor<?x5xf32>
  // CHECK: math.log
  // CHECK: arith.divf
  %l = dl.cross_entropy %x, %t : tensor<?x5xf32>, tensor<?xi32>
  return %l : tensor<f32>
}

// -----
// Tests training batchnorm's statistics (two passes) and the running
// update with the unbiased variance n / (n - 1).
// CHECK-LABEL: func.func @batch_stats
// CHECK: %[[N:.*]] = arith.sitofp
// CHECK-COUNT-2: iterator_types = ["reduction", "parallel", "reduction", "reduction"]
// CHECK: %[[N1:.*]] = arith.subf %[[N]], %{{.*}} : f32
// CHECK-NEXT: arith.divf %[[N]], %[[N1]]
func.func @batch_stats(%x: tensor<?x4x3x3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %mean, %var = dl.batch_stats %x : tensor<?x4x3x3xf32> -> tensor<4xf32>, tensor<4xf32>
  %m2, %v2 = dl.running_stats %m, %v, %mean, %var, %x {momentum = 0.1 : f64} : tensor<4xf32>, tensor<?x4x3x3xf32>
  return %m2, %v2 : tensor<4xf32>, tensor<4xf32>
}

// -----
// Tests the dropout mask: splitmix64 of (seed, step, stream, index).
// CHECK-LABEL: func.func @dropout_mask
func.func @dropout_mask(%x: tensor<?x8xf32>, %seed: tensor<i64>, %step: tensor<i64>) -> tensor<?x8xf32> {
  // CHECK: tensor.extract %{{.*}}[] : tensor<i64>
  // CHECK: linalg.generic
  // CHECK: linalg.index 0
  // CHECK: arith.muli %{{.*}}, %{{.*}} : i64
  // CHECK: arith.shrui
  // CHECK: arith.cmpf oge, %{{.*}}, %{{.*}} : f32
  // CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
  %m = dl.dropout_mask %x, %seed, %step {p = 0.5 : f64, stream = 1 : i64} : tensor<?x8xf32>
  return %m : tensor<?x8xf32>
}

// -----
// Tests the optimizers: one generic per parameter with every result.
// CHECK-LABEL: func.func @optimizers
func.func @optimizers(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %v: tensor<4xf32>,
                      %lr: tensor<f32>, %step: tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: %[[FIRST:.*]] = arith.cmpi eq
  // CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
  // CHECK: arith.select %[[FIRST]]
  %p1, %b1 = dl.sgd_update %p, %g, %lr, %step, %b {momentum = 0.9 : f64, weight_decay = 1.0e-4 : f64}
      : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>, tensor<4xf32>
  // CHECK: math.powf
  // CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: math.sqrt
  %p2, %m2, %v2 = dl.adam_update %p, %g, %lr, %step, %b, %v {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : tensor<4xf32>
  return %p1, %b1, %p2, %m2, %v2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
