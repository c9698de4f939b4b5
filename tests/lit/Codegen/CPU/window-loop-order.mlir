// RUN: dlc-opt %s -dlc-window-loop-order -split-input-file | FileCheck %s

// Tests that a grouped convolution becomes a generic whose loops are
// (n, g, f, c, kh, kw, oh, ow): the output row innermost.
// CHECK-LABEL: func.func @grouped_rows
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
func.func @grouped_rows(%x: tensor<?x2x4x66x66xf32>, %w: tensor<2x8x4x3x3xf32>, %o: tensor<?x2x8x64x64xf32>) -> tensor<?x2x8x64x64xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x2x4x66x66xf32>, tensor<2x8x4x3x3xf32>) outs(%o : tensor<?x2x8x64x64xf32>) -> tensor<?x2x8x64x64xf32>
  return %0 : tensor<?x2x8x64x64xf32>
}

// -----
// Tests that a strided convolution, even with long rows, goes through
// im2col, its patches copied in vectors along the output row (no gathers):
// each window row's input segment, twice a vector wide, is read once per
// pair of window columns and split into its even and odd lanes; the last
// segment of a row reaches past the input's edge and is read masked.
// CHECK-LABEL: func.func @strided_rows
// CHECK: %[[ROW:.*]] = vector.transfer_read %arg0[{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<?x8x129x129xf32>, vector<32xf32>
// CHECK: vector.shuffle %[[ROW]], %[[ROW]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<?x8x3x3x64x64xf32>
// CHECK: vector.shuffle %[[ROW]], %[[ROW]] [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
// CHECK: vector.transfer_read %arg0[{{.*}}, %c98], %{{.*}} : tensor<?x8x129x129xf32>, vector<32xf32>
// CHECK-NOT: vector.gather
func.func @strided_rows(%x: tensor<?x8x129x129xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<?x8x129x129xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32>
  return %0 : tensor<?x16x64x64xf32>
}

// -----
// Tests that a stride-1 convolution with long rows is register-blocked:
// loops (n, f by 4, oh, ow by 32, c, kh, kw), each step a vectorised
// 4 x 32 multiply-add on rank-reduced slices (views after bufferisation),
// its 4 weights (strided in memory) read and broadcast one by one.
// CHECK-LABEL: func.func @blocked
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.for %[[F:.*]] = %{{.*}} to %{{.*}} step %[[C4:.*]] iter_args
// CHECK: scf.for %[[OH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.for %[[OW:.*]] = %{{.*}} to %{{.*}} step %[[C32:.*]] iter_args
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.for %[[KH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.for %[[KW:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: %[[ROW:.*]] = tensor.extract_slice %{{.*}}[%[[N]], %[[C]], %{{.*}}, %{{.*}}] [1, 1, 1, 32] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %{{.*}}[%[[F]], %[[C]], %[[KH]], %[[KW]]] [4, 1, 1, 1] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %{{.*}}[%[[N]], %[[F]], %[[OH]], %[[OW]]] [1, 4, 1, 32] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[ROW]][0, 0, 0, 0] [1, 1, 1, 32] [1, 1, 1, 1] : tensor<1x1x1x32xf32> to tensor<1x32xf32>
// CHECK-COUNT-4: vector.broadcast %{{.*}} : f32 to vector<32xf32>
// CHECK-NOT: vector.transfer_read %{{.*}} : tensor<4xf32>
// CHECK: %[[ACC:.*]] = vector.transfer_read %{{.*}} : tensor<4x32xf32>, vector<4x32xf32>
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<4x32xf32>
// CHECK: %[[S:.*]] = arith.addf %[[ACC]], %[[M]] : vector<4x32xf32>
// CHECK: vector.transfer_write %[[S]]
func.func @blocked(%x: tensor<?x8x66x66xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x66x66xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<?x16x64x64xf32>) -> tensor<?x16x64x64xf32>
  return %0 : tensor<?x16x64x64xf32>
}

// -----
// Tests that a convolution with short rows becomes im2col (a copy of the
// patches into [N, C*KH*KW, OH*OW], here by the strided copy's loops) and a
// contraction tiled into
// register blocks of 8 channels x 32 pixels (a contraction with AVX-512's
// 32 registers), loops (n, f, p, k) with the reduction k innermost and each
// step vectorised, inside blocks of 256 k (here one) looped outermost. The
// batch stays dynamic.
// CHECK-LABEL: func.func @short_rows
func.func @short_rows(%x: tensor<?x8x17x17xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32> {
  // CHECK: %[[P:.*]] = scf.for {{.*}} -> (tensor<?x8x3x3x8x8xf32>)
  // CHECK: %[[C:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<?x8x3x3x8x8xf32> into tensor<?x72x64xf32>
  // CHECK: %[[WF:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<16x8x3x3xf32> into tensor<16x72xf32>
  // CHECK: scf.for %[[KB:.*]] = %{{.*}} to %c72 step %c256 iter_args
  // CHECK: %[[WB:.*]] = tensor.extract_slice %[[WF]][0, %[[KB]]] [16, %{{.*}}] [1, 1]
  // CHECK: %[[CB:.*]] = tensor.extract_slice %[[C]][0, %[[KB]], 0] [%{{.*}}, %{{.*}}, 64] [1, 1, 1]
  // CHECK: %[[N:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
  // CHECK: %[[C8:.*]] = arith.constant 8 : index
  // CHECK: scf.for %[[F:.*]] = %{{.*}} to %{{.*}} step %[[C8]] iter_args
  // CHECK: %[[C32:.*]] = arith.constant 32 : index
  // CHECK: scf.for %[[PX:.*]] = %{{.*}} to %{{.*}} step %[[C32]] iter_args
  // CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
  // CHECK: %[[WS:.*]] = tensor.extract_slice %[[WB]][%[[F]], %[[K]]] [8, 1] [1, 1]
  // CHECK: %[[CS:.*]] = tensor.extract_slice %[[CB]][%{{.*}}, %[[K]], %[[PX]]] [1, 1, 32] [1, 1, 1]
  // CHECK-COUNT-8: vector.broadcast %{{.*}} : f32 to vector<1x32xf32>
  // CHECK: %[[ACC:.*]] = vector.transfer_read %{{.*}} : tensor<1x8x32xf32>, vector<1x8x32xf32>
  // CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<1x8x1x32xf32>
  // CHECK: %[[S:.*]] = vector.multi_reduction <add>, %[[M]], %[[ACC]] [2] : vector<1x8x1x32xf32> to vector<1x8x32xf32>
  // CHECK: vector.transfer_write %[[S]]
  // CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] {{.*}} : tensor<?x16x64xf32> into tensor<?x16x8x8xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<?x8x17x17xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
  return %0 : tensor<?x16x8x8xf32>
}

// -----
// Tests that pixels beyond the last whole 16-pixel block (7x7 = 49 = 48 + 1)
// take dot products of their own: their patches copied out transposed
// ([N, 1, C*KH*KW], contiguous along k like the weights' rows), then per
// sample blocks of 4 filters vectorised along k (64 of 72, the last 8 in
// order); both results written back in place.
// CHECK-DAG: #[[PIXEL:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, (d1 + 48) floordiv 7 + d3, (d1 + 48) mod 7 + d4)>
// CHECK-LABEL: func.func @remainder
// CHECK: %[[ACC:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<?x8x7x7xf32> into tensor<?x8x49xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0] [%{{.*}}, 72, 48] [1, 1, 1]
// CHECK: vector.multi_reduction <add>, %{{.*}} [2] : vector<1x8x1x16xf32> to vector<1x8x16xf32>
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[PIXEL]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<?x1x8x3x3xf32>)
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1], [2, 3, 4]] : tensor<?x1x8x3x3xf32> into tensor<?x1x72xf32>
// CHECK: %[[REST:.*]] = scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}}) -> (tensor<?x8x1xf32>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64 step %c16{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-4: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c72{{.*}} step %{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32)
// CHECK: %[[A:.*]] = tensor.insert_slice %{{.*}} into %[[ACC]][0, 0, 0] [%{{.*}}, 8, 48] [1, 1, 1]
// CHECK: tensor.insert_slice %[[REST]] into %[[A]][0, 0, 48] [%{{.*}}, 8, 1] [1, 1, 1]
func.func @remainder(%x: tensor<?x8x9x9xf32>, %w: tensor<8x8x3x3xf32>, %o: tensor<?x8x7x7xf32>) -> tensor<?x8x7x7xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x9x9xf32>, tensor<8x8x3x3xf32>) outs(%o : tensor<?x8x7x7xf32>) -> tensor<?x8x7x7xf32>
  return %0 : tensor<?x8x7x7xf32>
}

// -----
// Tests that a contraction whose channel count is odd keeps the plain
// (n, f, k, p) loop order instead of register blocks.
// CHECK-LABEL: func.func @odd_channels
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK-NOT: scf.for
func.func @odd_channels(%x: tensor<?x8x10x10xf32>, %w: tensor<5x8x3x3xf32>, %o: tensor<?x5x8x8xf32>) -> tensor<?x5x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x10x10xf32>, tensor<5x8x3x3xf32>) outs(%o : tensor<?x5x8x8xf32>) -> tensor<?x5x8x8xf32>
  return %0 : tensor<?x5x8x8xf32>
}

// -----
// Tests that a stride-1 pooling puts its window loops outside the output
// row too (its row is contiguous in the input).
// CHECK-LABEL: func.func @pool
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]
// CHECK: arith.maximumf
func.func @pool(%x: tensor<?x8x64x64xf32>, %k: tensor<2x2xf32>, %o: tensor<?x8x63x63xf32>) -> tensor<?x8x63x63xf32> {
  %0 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %k : tensor<?x8x64x64xf32>, tensor<2x2xf32>) outs(%o : tensor<?x8x63x63xf32>) -> tensor<?x8x63x63xf32>
  return %0 : tensor<?x8x63x63xf32>
}

// -----
// Tests that a weight gradient's matrix product (C[f, c, i, j] += A[f, k] *
// B[k, c, i, j], the form the reshape folding leaves) has its column loops
// collapsed into one, its reduction in blocks of 256 outermost, then
// register blocks of 4 rows x 32 columns looped (m, n, k), each a vector
// update.
// CHECK-LABEL: func.func @weight_gradient
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c256
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16 step %c4
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64 step %c32
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1
// CHECK: arith.mulf {{.*}} : vector<4x1x32xf32>
// CHECK: vector.multi_reduction <add>, %{{.*}} [1] : vector<4x1x32xf32> to vector<4x32xf32>
func.func @weight_gradient(%a: tensor<16x?xf32>, %b: tensor<?x4x4x4xf32>, %c: tensor<16x4x4x4xf32>) -> tensor<16x4x4x4xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, c, i, j, k) -> (m, k)>, affine_map<(m, c, i, j, k) -> (k, c, i, j)>, affine_map<(m, c, i, j, k) -> (m, c, i, j)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<16x?xf32>, tensor<?x4x4x4xf32>) outs(%c : tensor<16x4x4x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x4x4x4xf32>
  return %0 : tensor<16x4x4x4xf32>
}

// -----
// Tests that an up-convolution's products (t[n, f, i, j, h, w] += x[n, c,
// h, w] * w[c, f, i, j]) collapse to (n, f*i*j, c, h*w) and are register
// blocked like im2col's contraction: 8 rows x 32 pixels, channels innermost.
// CHECK-LABEL: func.func @upconv_products
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16 step %c8
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64 step %c32
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8{{.*}} step %c1
// CHECK: arith.mulf {{.*}} : vector<1x8x1x32xf32>
func.func @upconv_products(%x: tensor<1x8x8x8xf32>, %w: tensor<8x4x2x2xf32>, %t: tensor<1x4x2x2x8x8xf32>) -> tensor<1x4x2x2x8x8xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(n, f, i, j, c, h, w) -> (n, c, h, w)>, affine_map<(n, f, i, j, c, h, w) -> (c, f, i, j)>, affine_map<(n, f, i, j, c, h, w) -> (n, f, i, j, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%x, %w : tensor<1x8x8x8xf32>, tensor<8x4x2x2xf32>) outs(%t : tensor<1x4x2x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x4x2x2x8x8xf32>
  return %0 : tensor<1x4x2x2x8x8xf32>
}

// -----
// Tests that a contraction whose body also applies an activation to an
// operand (elementwise fusion's doing) is not register-blocked: the
// activation would be recomputed for every block.
// CHECK-LABEL: func.func @activation_inside
// CHECK-NOT: vector.
// CHECK: math.tanh
func.func @activation_inside(%x: tensor<1x8x8x8xf32>, %w: tensor<8x4x2x2xf32>, %t: tensor<1x4x2x2x8x8xf32>) -> tensor<1x4x2x2x8x8xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(n, f, i, j, c, h, w) -> (n, c, h, w)>, affine_map<(n, f, i, j, c, h, w) -> (c, f, i, j)>, affine_map<(n, f, i, j, c, h, w) -> (n, f, i, j, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%x, %w : tensor<1x8x8x8xf32>, tensor<8x4x2x2xf32>) outs(%t : tensor<1x4x2x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %th = math.tanh %a : f32
    %m = arith.mulf %th, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x4x2x2x8x8xf32>
  return %0 : tensor<1x4x2x2x8x8xf32>
}

// -----
// Tests that a dense layer (x W^T) becomes blocks of 4 samples x 4 features
// of dot products vectorised along k: 16 vectors of partial sums carried
// through the whole vectors of k (32 of 40), summed by halves, then the
// last 8 k in order; features (10 = 8 + 2) and samples beyond the last
// whole block take blocks of one.
// CHECK-LABEL: func.func @dense
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %c8 step %{{.*}} iter_args
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.for %{{.*}} = %{{.*}} to %c32 step %c16{{.*}} iter_args({{.*}}) -> (vector<16xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [8], sizes = [8], strides = [1]} : vector<16xf32> to vector<8xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c40 step %{{.*}} iter_args({{.*}}) -> (f32
// CHECK: tensor.extract %arg0[%[[I]], %{{.*}}] : tensor<?x40xf32>
// CHECK: tensor.extract %arg1[%[[J]], %{{.*}}] : tensor<10x40xf32>
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%[[I]], %[[J]]] : tensor<?x10xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-COUNT-4: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.fma
// CHECK: scf.for %{{.*}} = %c8 to %c10 step %{{.*}} iter_args
// CHECK-COUNT-4: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.fma
// CHECK: scf.for
// CHECK-COUNT-1: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.fma
func.func @dense(%x: tensor<?x40xf32>, %w: tensor<10x40xf32>, %c: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = linalg.matmul_transpose_b ins(%x, %w : tensor<?x40xf32>, tensor<10x40xf32>) outs(%c : tensor<?x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----
// Tests that a dense layer's weight gradient (dy^T x: A read transposed)
// gets the register blocks of a row-major matrix product, 4 rows x 32
// columns, and that its columns beyond the last whole vector (40 = 32 + 8)
// get blocks of their own, both written back into the result.
// CHECK-LABEL: func.func @dense_weight_grad
// CHECK: %[[MAIN:.*]] = tensor.extract_slice %arg2[0, 0] [8, 32] [1, 1]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c256 iter_args(%{{.*}} = %[[MAIN]]) -> (tensor<8x32xf32>)
// CHECK: vector.multi_reduction <add>, %{{.*}} [1] : vector<4x1x32xf32> to vector<4x32xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %{{.*}} into %arg2[0, 0] [8, 32] [1, 1]
// CHECK: %[[REST:.*]] = tensor.extract_slice %[[A]][0, 32] [8, 8] [1, 1]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c256{{.*}} iter_args(%{{.*}} = %[[REST]]) -> (tensor<8x8xf32>)
// CHECK: vector.multi_reduction <add>, %{{.*}} [1] : vector<4x1x8xf32> to vector<4x8xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[A]][0, 32] [8, 8] [1, 1]
func.func @dense_weight_grad(%dy: tensor<?x8xf32>, %x: tensor<?x40xf32>, %c: tensor<8x40xf32>) -> tensor<8x40xf32> {
  %0 = linalg.matmul_transpose_a ins(%dy, %x : tensor<?x8xf32>, tensor<?x40xf32>) outs(%c : tensor<8x40xf32>) -> tensor<8x40xf32>
  return %0 : tensor<8x40xf32>
}

// -----
// Tests that a dense layer's input gradient (dy W, one row per sample: a
// dynamic row count) is blocked on static slices of 4 rows, the rows left
// over in blocks of one row.
// CHECK-LABEL: func.func @dense_input_grad
// CHECK: %[[FULL:.*]] = arith.subi
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[FULL]] step %{{.*}} iter_args
// CHECK: tensor.extract_slice %arg0[%[[I]], 0] [4, 8] [1, 1] : tensor<?x8xf32> to tensor<4x8xf32>
// CHECK: vector.multi_reduction <add>, %{{.*}} [1] : vector<4x1x32xf32> to vector<4x32xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[I]], 0] [4, 32] [1, 1] : tensor<4x32xf32> into tensor<?x32xf32>
// CHECK: scf.for %[[R:.*]] = %[[FULL]] to %{{.*}} step %{{.*}} iter_args
// CHECK: tensor.extract_slice %arg0[%[[R]], 0] [1, 8] [1, 1] : tensor<?x8xf32> to tensor<1x8xf32>
// CHECK: vector.multi_reduction <add>, %{{.*}} [1] : vector<1x1x32xf32> to vector<1x32xf32>
// CHECK-NOT: linalg.matmul
func.func @dense_input_grad(%dy: tensor<?x8xf32>, %w: tensor<8x32xf32>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %0 = linalg.matmul ins(%dy, %w : tensor<?x8xf32>, tensor<8x32xf32>) outs(%c : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %0 : tensor<?x32xf32>
}

// -----
// Tests a convolution's weight gradient, dw[f, c, i, j] = dyT[f, k] *
// cols[c, i, j, k] over the batch's pixels k (a dynamic count): chunks of
// 1024 k, each of whose blocks of 4 x 4 dot products adds its sums to the
// result; a column's index is split into (c, i, j) rather than the
// columns collapsed (a thread's slice of them need not be contiguous).
// CHECK-LABEL: func.func @conv_weight_grad
// CHECK: %[[K:.*]] = tensor.dim %arg0, %c1
// CHECK: scf.for %[[K0:.*]] = %{{.*}} to %[[K]] step %c1024 iter_args
// CHECK: %[[K1:.*]] = arith.minui %{{.*}}, %[[K]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8 step %c64 iter_args
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %c16 step %c4{{.*}} iter_args
// CHECK: arith.remui %[[J]], %c2
// CHECK: scf.for %{{.*}} = %[[K0]] to %{{.*}} step %c16{{.*}} iter_args({{.*}}) -> (vector<16xf32>
// CHECK-COUNT-4: vector.transfer_read %arg1[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4x2x2x?xf32>, vector<16xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[K1]] step %{{.*}} iter_args({{.*}}) -> (f32
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<8x4x2x2xf32>
func.func @conv_weight_grad(%dy: tensor<8x?xf32>, %cols: tensor<4x2x2x?xf32>, %c: tensor<8x4x2x2xf32>) -> tensor<8x4x2x2xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(f, c, i, j, k) -> (f, k)>, affine_map<(f, c, i, j, k) -> (c, i, j, k)>, affine_map<(f, c, i, j, k) -> (f, c, i, j)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%dy, %cols : tensor<8x?xf32>, tensor<4x2x2x?xf32>) outs(%c : tensor<8x4x2x2xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x4x2x2xf32>
  return %0 : tensor<8x4x2x2xf32>
}

// -----
// Tests that dl.winograd_conv2d's reference form becomes, per sample, the
// input transform into v [4, 4, C, tiles] (5 rows of 19 blocks for a 9x37
// output: 95 tiles, padded to 96 with a zero tile), each row of blocks in
// vectors of 16 and 3 blocks whose patch columns come from two row reads
// split into even and odd lanes; then the 16 products in 8 x 32 register
// blocks in k-blocks of 256; then the output transform added into y,
// two columns of each block interleaved, for 4 whole rows of blocks and
// the last row of the odd height, the last 6 columns of the odd width
// written with a mask (a 37th column is the last one).
// CHECK-LABEL: func.func @winograd
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<?x8x9x37xf32>)
// CHECK: %[[V:.*]] = tensor.empty() : tensor<4x4x4x96xf32>
// CHECK: linalg.fill {{.*}} -> tensor<4x4x4x1xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[V]][0, 0, 0, 95] [4, 4, 4, 1]
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %c4 step %{{.*}} -> (tensor<4x4x4x96xf32>)
// CHECK: scf.for %[[TY:.*]] = %{{.*}} to %c5 step %{{.*}} -> (tensor<4x4x4x96xf32>)
// CHECK: vector.transfer_read %{{.*}}[%[[C]], %{{.*}}, %c0{{.*}}]{{.*}}: tensor<4x12x40xf32>, vector<32xf32>
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CHECK: vector.shuffle {{.*}} [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<32xf32>, vector<32xf32>
// CHECK: vector.transfer_read %{{.*}}[%[[C]], %{{.*}}, %c2{{.*}}]{{.*}}: tensor<4x12x40xf32>, vector<32xf32>
// CHECK-COUNT-16: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<16xf32>, tensor<4x4x4x96xf32>
// CHECK: vector.transfer_read %{{.*}}[%[[C]], %{{.*}}, %c32{{.*}}]{{.*}}: tensor<4x12x40xf32>, vector<6xf32>
// CHECK-COUNT-16: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<3xf32>, tensor<4x4x4x96xf32>
// CHECK: %[[M:.*]] = linalg.fill {{.*}} -> tensor<4x4x8x96xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c256 iter_args(%{{.*}} = %[[M]])
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [3] : vector<1x1x8x1x32xf32> to vector<1x1x8x32xf32>
// CHECK: scf.for %[[F:.*]] = %{{.*}} to %c8 step %{{.*}} -> (tensor<8x9x37xf32>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c4{{.*}} step %{{.*}} -> (tensor<8x9x37xf32>)
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, 2, 18, {{.*}}, 15, 31] : vector<16xf32>, vector<16xf32>
// CHECK-COUNT-2: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<32xf32>, tensor<8x9x37xf32>
// CHECK-COUNT-2: vector.transfer_write %{{.*}}, %{{.*}}[%[[F]], %{{.*}}, %c32{{.*}}] : vector<6xf32>, tensor<8x9x37xf32>
// CHECK: scf.yield
// CHECK: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<32xf32>, tensor<8x9x37xf32>
// CHECK-NOT: vector<32xf32>, tensor<8x9x37xf32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%[[F]], %{{.*}}, %c32{{.*}}] : vector<6xf32>, tensor<8x9x37xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[N]], 0, 0, 0] [1, 8, 9, 37]
#at_y = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (oy mod 2, a)>
#at_x = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (ox mod 2, b)>
#u = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (a * 4 + b, f, c)>
#bt_y = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (a, i)>
#bt_x = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (b, j)>
#x = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (n, c, (oy floordiv 2) * 2 + i, (ox floordiv 2) * 2 + j)>
#y = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (n, f, oy, ox)>
func.func @winograd(%at: tensor<2x4xf32>, %bt: tensor<4x4xf32>, %u: tensor<16x8x4xf32>,
                    %x: tensor<?x4x12x40xf32>, %y: tensor<?x8x9x37xf32>) -> tensor<?x8x9x37xf32> {
  %r = linalg.generic {indexing_maps = [#at_y, #at_x, #u, #bt_y, #bt_x, #x, #y],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction", "reduction"]}
      ins(%at, %at, %u, %bt, %bt, %x : tensor<2x4xf32>, tensor<2x4xf32>, tensor<16x8x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<?x4x12x40xf32>)
      outs(%y : tensor<?x8x9x37xf32>) attrs = {dl.winograd} {
  ^bb0(%a0: f32, %a1: f32, %a2: f32, %a3: f32, %a4: f32, %a5: f32, %out: f32):
    %m0 = arith.mulf %a0, %a1 : f32
    %m1 = arith.mulf %m0, %a2 : f32
    %m2 = arith.mulf %a3, %a4 : f32
    %m3 = arith.mulf %m2, %a5 : f32
    %m4 = arith.mulf %m1, %m3 : f32
    %s = arith.addf %out, %m4 : f32
    linalg.yield %s : f32
  } -> tensor<?x8x9x37xf32>
  return %r : tensor<?x8x9x37xf32>
}

// -----
// Tests that a stride-2 max pooling reads, per window row, 32 contiguous
// inputs at columns 2*tx and 2*tx + 2 for 16 outputs and picks the window's
// columns with even and odd shuffles, combined in the named op's order
// (kw = 0, 1, 2); the last 2 outputs read 4 inputs, the one that reaches
// past the row's 37 columns masked.
// CHECK-LABEL: func.func @pool_rows
// CHECK: scf.for
// CHECK: scf.for {{.*}} to %c4
// CHECK: scf.for {{.*}} to %c4
// CHECK: %[[ACC:.*]] = vector.transfer_read %{{.*}} : tensor<?x4x4x18xf32>, vector<16xf32>
// CHECK: %[[R0:.*]] = vector.transfer_read %arg0[%{{.*}}, %{{.*}}, %{{.*}}, %c0{{.*}}]{{.*}}{in_bounds = [true]} : tensor<?x4x9x37xf32>, vector<32xf32>
// CHECK: %[[E0:.*]] = vector.shuffle %[[R0]], %[[R0]] [0, 2, 4, {{.*}}, 28, 30]
// CHECK: %[[M0:.*]] = arith.maximumf %[[ACC]], %[[E0]] : vector<16xf32>
// CHECK: %[[O0:.*]] = vector.shuffle %[[R0]], %[[R0]] [1, 3, 5, {{.*}}, 29, 31]
// CHECK: %[[M1:.*]] = arith.maximumf %[[M0]], %[[O0]] : vector<16xf32>
// CHECK: %[[R2:.*]] = vector.transfer_read %arg0[%{{.*}}, %{{.*}}, %{{.*}}, %c2{{.*}}]{{.*}} : tensor<?x4x9x37xf32>, vector<32xf32>
// CHECK: %[[E2:.*]] = vector.shuffle %[[R2]], %[[R2]] [0, 2, 4, {{.*}}, 28, 30]
// CHECK: arith.maximumf %[[M1]], %[[E2]] : vector<16xf32>
// CHECK-COUNT-6: arith.maximumf
// CHECK: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<16xf32>, tensor<?x4x4x18xf32>
// CHECK: vector.transfer_read %arg0[%{{.*}}, %{{.*}}, %{{.*}}, %c32{{.*}}]{{.*}}{in_bounds = [true]} : tensor<?x4x9x37xf32>, vector<4xf32>
// CHECK: vector.transfer_read %arg0[%{{.*}}, %{{.*}}, %{{.*}}, %c34{{.*}}], %{{[a-z0-9_]*}} : tensor<?x4x9x37xf32>, vector<4xf32>
// CHECK: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<2xf32>, tensor<?x4x4x18xf32>
func.func @pool_rows(%x: tensor<?x4x9x37xf32>, %y: tensor<?x4x4x18xf32>) -> tensor<?x4x4x18xf32> {
  %w = tensor.empty() : tensor<3x3xf32>
  %r = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x9x37xf32>, tensor<3x3xf32>) outs(%y : tensor<?x4x4x18xf32>) -> tensor<?x4x4x18xf32>
  return %r : tensor<?x4x4x18xf32>
}
