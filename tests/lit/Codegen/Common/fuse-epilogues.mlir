// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-fuse-epilogues),canonicalize)' | FileCheck %s
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-fuse-epilogues{tile-bytes=256 min-pixels=16}),canonicalize)' | FileCheck %s --check-prefix=ROWS
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-fuse-epilogues{tile-bytes=256 min-pixels=32}),canonicalize)' | FileCheck %s --check-prefix=PIXELS
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-fuse-epilogues),canonicalize,one-shot-bufferize{bufferize-function-boundaries})' | FileCheck %s --check-prefix=INPLACE
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-fuse-epilogues{min-tiles=2}),canonicalize)' | FileCheck %s --check-prefix=TWO

// Tests that a convolution, a residual block's two convolutions, a dense
// layer and a transposed convolution each become one loop nest with their
// initialisation (bias) and elementwise epilogue (batchnorm, activation,
// residual add) inside, the epilogue updating the reduction's tile in
// place; that tiles hold as many rows as fit in tile-bytes, but at least
// min-pixels pixels (64 by default: these 8x8 images are one tile); and
// that a result the backward pass keeps is left alone.

// CHECK-LABEL: func.func @conv_bn_relu(
// CHECK-NOT: linalg.conv
// CHECK: scf.forall (%[[N:.*]]) in (%{{.*}}) shared_outs(%[[ACC:.*]] =
// CHECK: %[[IN:.*]] = tensor.extract_slice %arg0[%[[N]], 0, 0, 0] [1, 4, 10, 10]
// CHECK: %[[TILE:.*]] = tensor.extract_slice %[[ACC]][%[[N]], 0, 0, 0] [1, 4, 8, 8]
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<4xf32>) outs(%[[TILE]] : tensor<1x4x8x8xf32>)
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[IN]], %arg1 : {{.*}}) outs(%[[BIAS]] : tensor<1x4x8x8xf32>)
// CHECK: %[[ACT:.*]] = linalg.generic {{.*}} ins(%arg3, %arg4 : tensor<4xf32>, tensor<4xf32>) outs(%[[CONV]] : tensor<1x4x8x8xf32>)
// CHECK: arith.maximumf
// CHECK: tensor.parallel_insert_slice %[[ACT]] into %[[ACC]][%[[N]], 0, 0, 0] [1, 4, 8, 8]
// CHECK-NOT: linalg.generic
// CHECK: return

// Rows of 4 channels x 8 columns are 128 bytes: 2 rows per 256-byte tile.
// ROWS-LABEL: func.func @conv_bn_relu(
// ROWS: scf.forall (%[[N:.*]], %[[H:.*]]) = (0, 0) to (%{{.*}}, 8) step (1, 2)
// ROWS: tensor.extract_slice %arg0[%[[N]], 0, %[[H]], 0] [1, 4, 4, 10]
// ROWS: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x4x2x8xf32>

// 2 rows hold 16 pixels: tiles of 4 rows hold 32.
// PIXELS-LABEL: func.func @conv_bn_relu(
// PIXELS: scf.forall (%{{.*}}, %[[H:.*]]) = (0, 0) to (%{{.*}}, 8) step (1, 4)
// PIXELS: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x4x4x8xf32>

#c = affine_map<(n, c, h, w) -> (c)>
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#id2 = affine_map<(n, f) -> (n, f)>
#f2 = affine_map<(n, f) -> (f)>
#c6 = affine_map<(n, f, h, i, w, j) -> (f)>
#id6 = affine_map<(n, f, h, i, w, j) -> (n, f, h, i, w, j)>
#tin = affine_map<(n, f, i, j, c, h, w) -> (n, c, h, w)>
#tw = affine_map<(n, f, i, j, c, h, w) -> (c, f, i, j)>
#tout = affine_map<(n, f, i, j, c, h, w) -> (n, f, h, i, w, j)>

func.func @conv_bn_relu(%x: tensor<?x4x10x10xf32>, %w: tensor<4x4x3x3xf32>, %b: tensor<4xf32>,
                        %scale: tensor<4xf32>, %shift: tensor<4xf32>) -> tensor<?x4x8x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x10x10xf32>
  %e = tensor.empty(%n) : tensor<?x4x8x8xf32>
  %bias = linalg.generic {indexing_maps = [#c, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<4xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x4x8x8xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x10x10xf32>, tensor<4x4x3x3xf32>) outs(%bias : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #c, #c, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %scale, %shift : tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%v: f32, %s: f32, %t: f32, %out: f32):
    %0 = arith.mulf %v, %s : f32
    %1 = arith.addf %0, %t : f32
    %2 = arith.maximumf %1, %zero : f32
    linalg.yield %2 : f32
  } -> tensor<?x4x8x8xf32>
  return %y : tensor<?x4x8x8xf32>
}

// Both convolutions of a downsampling block and their zero initialisation
// run per tile; the projection's initialisation is a tile-sized scratch.
// CHECK-LABEL: func.func @conv_add_conv_relu(
// CHECK-NOT: linalg.conv
// CHECK-NOT: linalg.fill
// CHECK: scf.forall
// CHECK: %[[SCRATCH:.*]] = tensor.empty() : tensor<1x4x8x8xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill {{.*}} outs(%[[SCRATCH]] : tensor<1x4x8x8xf32>)
// CHECK: %[[PROJ:.*]] = linalg.conv_2d_nchw_fchw {{.*}} outs(%[[ZERO]] : tensor<1x4x8x8xf32>)
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %arg1 : {{.*}}) outs(%{{.*}} : tensor<1x4x8x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[PROJ]] : tensor<1x4x8x8xf32>) outs(%[[CONV]] : tensor<1x4x8x8xf32>)
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @conv_add_conv_relu(%x: tensor<?x4x10x10xf32>, %w: tensor<4x4x3x3xf32>, %s: tensor<?x4x8x8xf32>,
                              %w1: tensor<4x4x1x1xf32>) -> tensor<?x4x8x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x10x10xf32>
  %e = tensor.empty(%n) : tensor<?x4x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x10x10xf32>, tensor<4x4x3x3xf32>) outs(%f : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %proj = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%s, %w1 : tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) outs(%f : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %proj : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%a: f32, %p: f32, %out: f32):
    %0 = arith.addf %a, %p : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<?x4x8x8xf32>
  return %y : tensor<?x4x8x8xf32>
}

// A dense layer's tiles are whole samples (2 KiB each, 32 per tile) and
// min-tiles (4) blocks of its features, so that one sample's layer is
// shared among threads too.
// CHECK-LABEL: func.func @dense_relu(
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (%{{.*}}, 512) step (32, 128)
// CHECK: %[[M:.*]] = affine.min
// CHECK: %[[W:.*]] = tensor.extract_slice %arg1[%[[J]], 0] [128, 64] [1, 1]
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<128xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul_transpose_b ins(%{{.*}}, %[[W]] : tensor<?x64xf32>, tensor<128x64xf32>) outs(%[[BIAS]] : tensor<?x128xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[MM]] : tensor<?x128xf32>)
// CHECK: arith.maximumf
// CHECK: scf.forall.in_parallel
func.func @dense_relu(%x: tensor<?x64xf32>, %w: tensor<512x64xf32>, %b: tensor<512xf32>) -> tensor<?x512xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x64xf32>
  %e = tensor.empty(%n) : tensor<?x512xf32>
  %bias = linalg.generic {indexing_maps = [#f2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<512xf32>) outs(%e : tensor<?x512xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x512xf32>
  %mm = linalg.matmul_transpose_b ins(%x, %w : tensor<?x64xf32>, tensor<512x64xf32>) outs(%bias : tensor<?x512xf32>) -> tensor<?x512xf32>
  %y = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<?x512xf32>) outs(%e : tensor<?x512xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// A transposed convolution (a 6-D reduction) and its activation.
// CHECK-LABEL: func.func @upconv_sigmoid(
// CHECK: scf.forall
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x8x2x8x2xf32>)
// CHECK: %[[UP:.*]] = linalg.generic {{.*}} "reduction"{{.*}} outs(%[[BIAS]] : tensor<1x2x8x2x8x2xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[UP]] : tensor<1x2x8x2x8x2xf32>)
// CHECK: math.exp
// CHECK: scf.forall.in_parallel
func.func @upconv_sigmoid(%x: tensor<?x4x8x8xf32>, %w: tensor<4x2x2x2xf32>, %b: tensor<2xf32>) -> tensor<?x2x8x2x8x2xf32> {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x8x8xf32>
  %e = tensor.empty(%n) : tensor<?x2x8x2x8x2xf32>
  %bias = linalg.generic {indexing_maps = [#c6, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<2xf32>) outs(%e : tensor<?x2x8x2x8x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x2x8x2x8x2xf32>
  %t = linalg.generic {indexing_maps = [#tin, #tw, #tout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%x, %w : tensor<?x4x8x8xf32>, tensor<4x2x2x2xf32>) outs(%bias : tensor<?x2x8x2x8x2xf32>) {
  ^bb0(%in: f32, %wt: f32, %out: f32):
    %0 = arith.mulf %in, %wt : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<?x2x8x2x8x2xf32>
  %y = linalg.generic {indexing_maps = [#id6, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<?x2x8x2x8x2xf32>) outs(%e : tensor<?x2x8x2x8x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %1, %one : f32
    %3 = arith.divf %one, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<?x2x8x2x8x2xf32>
  return %y : tensor<?x2x8x2x8x2xf32>
}

// A result that is also returned (kept for the backward pass) is not fused:
// the convolution is tiled alone, with its initialisation, and so is the
// activation.
// CHECK-LABEL: func.func @kept_for_backward(
// CHECK: %[[CONV:.*]] = scf.forall
// CHECK: linalg.fill {{.*}} -> tensor<1x4x8x8xf32>
// CHECK-NEXT: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x4x8x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: scf.forall.in_parallel
// CHECK: scf.forall
// CHECK: tensor.extract_slice %[[CONV]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x4x8x8xf32>)
func.func @kept_for_backward(%x: tensor<?x4x10x10xf32>, %w: tensor<4x4x3x3xf32>)
    -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x10x10xf32>
  %e = tensor.empty(%n) : tensor<?x4x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x10x10xf32>, tensor<4x4x3x3xf32>) outs(%f : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<?x4x8x8xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<?x4x8x8xf32>
  return %y, %conv : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>
}


// An identity shortcut that only earlier layers read (inference) is
// overwritten: the block's result is computed into it, the convolution
// into a tile-sized scratch, so the block needs no buffer of its own (and
// bufferisation allocates none). One that is read later (the backward pass
// keeps it) is not.
// INPLACE-LABEL: func.func @residual_in_place(
// INPLACE: memref.alloc(%
// INPLACE: %[[X:.*]] = memref.alloc(%
// INPLACE-NOT: memref.alloc(%
// INPLACE: scf.forall
// INPLACE: arith.maximumf
// INPLACE-NOT: memref.alloc(%
// INPLACE: return %[[X]]
// CHECK-LABEL: func.func @residual_in_place(
// CHECK: %[[X:.*]] = scf.forall
// CHECK: arith.maximumf
// CHECK: scf.forall
// CHECK: %[[XTILE:.*]] = tensor.extract_slice %[[X]]
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[XTILE]],
// CHECK: scf.forall (%[[N:.*]]) in (%{{.*}}) shared_outs(%[[ACC:.*]] = %[[X]])
// CHECK: %[[SCRATCH:.*]] = tensor.empty() : tensor<1x4x8x8xf32>
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nchw_fchw {{.*}} outs(%{{.*}} : tensor<1x4x8x8xf32>)
// CHECK: %[[SHORTCUT:.*]] = tensor.extract_slice %[[ACC]][%[[N]], 0, 0, 0] [1, 4, 8, 8]
// CHECK: linalg.generic {{.*}} ins(%[[CONV]] : tensor<1x4x8x8xf32>) outs(%[[SHORTCUT]] : tensor<1x4x8x8xf32>)
// CHECK: arith.addf
// CHECK-LABEL: func.func @residual_kept(
// CHECK: %[[X:.*]] = scf.forall
// CHECK: scf.forall (%{{.*}}) in (%{{.*}}) shared_outs(%[[ACC:.*]] = %{{.*}})
// CHECK-NOT: shared_outs(%{{.*}} = %[[X]])
// CHECK: return
func.func @residual_in_place(%s: tensor<?x4x8x8xf32>, %w: tensor<4x4x1x1xf32>) -> tensor<?x4x8x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %s, %c0 : tensor<?x4x8x8xf32>
  %e = tensor.empty(%n) : tensor<?x4x8x8xf32>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : tensor<?x4x8x8xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<?x4x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) outs(%f : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%c1, %w : tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) outs(%f : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %x : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.addf %a, %b : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<?x4x8x8xf32>
  return %y : tensor<?x4x8x8xf32>
}

func.func @residual_kept(%s: tensor<?x4x8x8xf32>, %w: tensor<4x4x1x1xf32>) -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %s, %c0 : tensor<?x4x8x8xf32>
  %e = tensor.empty(%n) : tensor<?x4x8x8xf32>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : tensor<?x4x8x8xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<?x4x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) outs(%f : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%c1, %w : tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) outs(%f : tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %x : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) outs(%e : tensor<?x4x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.addf %a, %b : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<?x4x8x8xf32>
  return %y, %x : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>
}

// A 7x7 image is one tile of rows (49 pixels < min-pixels): its 64 channels
// are split in 4 blocks of 16 so that it has min-tiles (4) tiles; with
// min-tiles=2, in 2 blocks of 32.
// CHECK-LABEL: func.func @small_image(
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, 64) step (1, 16)
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x16x7x7xf32>
// TWO-LABEL: func.func @small_image(
// TWO: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, 64) step (1, 32)
func.func @small_image(%x: tensor<?x64x9x9xf32>, %w: tensor<64x64x3x3xf32>) -> tensor<?x64x7x7xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x64x9x9xf32>
  %e = tensor.empty(%n) : tensor<?x64x7x7xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x64x7x7xf32>) -> tensor<?x64x7x7xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x64x9x9xf32>, tensor<64x64x3x3xf32>) outs(%f : tensor<?x64x7x7xf32>) -> tensor<?x64x7x7xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<?x64x7x7xf32>) outs(%e : tensor<?x64x7x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<?x64x7x7xf32>
  return %y : tensor<?x64x7x7xf32>
}

// A weight gradient's patches (im2col: a copy that gathers) are tiled
// along their first loop, the input channel, which slices the input
// exactly; the product dyT cols^T is split along its first column loop
// (each thread streams its own patches) into min-tiles blocks.
// CHECK-LABEL: func.func @weight_grad(
// CHECK: scf.forall (%[[C:.*]]) in (8) shared_outs(
// CHECK: tensor.extract_slice %arg0[0, %[[C]], 0, 0] [%{{.*}}, 1, 10, 10]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x?x8x8xf32>)
// CHECK: scf.forall (%[[B:.*]]) = (0) to (8) step (2) shared_outs(
// CHECK: tensor.extract_slice %{{.*}}[%[[B]], 0, 0, 0] [2, 3, 3, %{{.*}}]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<16x2x3x3xf32>)
// TWO-LABEL: func.func @weight_grad(
// TWO: scf.forall (%{{.*}}) = (0) to (8) step (4)
#cols = affine_map<(c, i, j, n, y, x) -> (n, c, y + i, x + j)>
#cid = affine_map<(c, i, j, n, y, x) -> (c, i, j, n, y, x)>
func.func @weight_grad(%x: tensor<?x8x10x10xf32>, %dy: tensor<16x?xf32>) -> tensor<16x8x3x3xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x8x10x10xf32>
  %e = tensor.empty(%n) : tensor<8x3x3x?x8x8xf32>
  %cols = linalg.generic {indexing_maps = [#cols, #cid], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x8x10x10xf32>) outs(%e : tensor<8x3x3x?x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x3x3x?x8x8xf32>
  %flat = tensor.collapse_shape %cols [[0], [1], [2], [3, 4, 5]] : tensor<8x3x3x?x8x8xf32> into tensor<8x3x3x?xf32>
  %ew = tensor.empty() : tensor<16x8x3x3xf32>
  %fw = linalg.fill ins(%zero : f32) outs(%ew : tensor<16x8x3x3xf32>) -> tensor<16x8x3x3xf32>
  %dw = linalg.generic {indexing_maps = [affine_map<(f, c, i, j, k) -> (f, k)>, affine_map<(f, c, i, j, k) -> (c, i, j, k)>, affine_map<(f, c, i, j, k) -> (f, c, i, j)>],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%dy, %flat : tensor<16x?xf32>, tensor<8x3x3x?xf32>) outs(%fw : tensor<16x8x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x8x3x3xf32>
  return %dw : tensor<16x8x3x3xf32>
}

// Tests that a Winograd convolution's tiles start at even rows (its 2x2
// blocks): a 14-row image of 256 channels whose 7-row tiles would be enough
// is tiled whole, and split along its channels instead.
// CHECK-LABEL: func.func @winograd_rows
// CHECK: scf.forall (%{{.*}}, %[[F:.*]]) = (0, 0) to (%{{.*}}, 256) step (1, 64)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<2x4xf32>, tensor<16x64x16xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<1x16x16x16xf32>) outs(%{{.*}} : tensor<1x64x14x14xf32>) attrs = {dl.winograd}
// CHECK: arith.maximumf
#wat_y = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (oy mod 2, a)>
#wat_x = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (ox mod 2, b)>
#wu = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (a * 4 + b, f, c)>
#wbt_y = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (a, i)>
#wbt_x = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (b, j)>
#wx = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (n, c, (oy floordiv 2) * 2 + i, (ox floordiv 2) * 2 + j)>
#wy = affine_map<(n, f, oy, ox, c, a, b, i, j) -> (n, f, oy, ox)>
#wid = affine_map<(n, f, h, w) -> (n, f, h, w)>
func.func @winograd_rows(%at: tensor<2x4xf32>, %bt: tensor<4x4xf32>, %u: tensor<16x256x16xf32>,
                         %x: tensor<?x16x16x16xf32>) -> tensor<?x256x14x14xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x16x16x16xf32>
  %e = tensor.empty(%n) : tensor<?x256x14x14xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x256x14x14xf32>) -> tensor<?x256x14x14xf32>
  %c = linalg.generic {indexing_maps = [#wat_y, #wat_x, #wu, #wbt_y, #wbt_x, #wx, #wy],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction", "reduction"]}
      ins(%at, %at, %u, %bt, %bt, %x : tensor<2x4xf32>, tensor<2x4xf32>, tensor<16x256x16xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<?x16x16x16xf32>)
      outs(%init : tensor<?x256x14x14xf32>) attrs = {dl.winograd} {
  ^bb0(%a0: f32, %a1: f32, %a2: f32, %a3: f32, %a4: f32, %a5: f32, %out: f32):
    %m0 = arith.mulf %a0, %a1 : f32
    %m1 = arith.mulf %m0, %a2 : f32
    %m2 = arith.mulf %a3, %a4 : f32
    %m3 = arith.mulf %m2, %a5 : f32
    %m4 = arith.mulf %m1, %m3 : f32
    %s = arith.addf %out, %m4 : f32
    linalg.yield %s : f32
  } -> tensor<?x256x14x14xf32>
  %r = linalg.generic {indexing_maps = [#wid, #wid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<?x256x14x14xf32>) outs(%e : tensor<?x256x14x14xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x256x14x14xf32>
  return %r : tensor<?x256x14x14xf32>
}
