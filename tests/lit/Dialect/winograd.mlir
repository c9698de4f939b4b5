// RUN: dlc-opt %s --dl-winograd-convolutions | FileCheck %s
// RUN: dlc-opt %s --dl-winograd-convolutions --dl-outline-prepare | FileCheck %s --check-prefix=PREP
// RUN: dlc-opt %s --dl-winograd-convolutions=min-pixels=225 | FileCheck %s --check-prefix=FEW

// Tests that @forward's 3x3 stride-1 convolutions with 16 channels or more
// and 49 output pixels or more become dl.winograd_conv2d of their input
// and dl.winograd_filter of their weight (bias and padding kept); that
// strided, dilated, grouped, narrow and 5x5 ones, a smaller image than
// min-pixels and other functions are left alone; that the filters move
// into @prepare; and that @train_step's such convolutions and their input
// gradients (dy with the transposed filter, padded by 2 - pad) take it too.

// CHECK-LABEL: func.func @forward(
// CHECK: %[[U:.*]] = dl.winograd_filter %arg1 : tensor<32x16x3x3xf32> -> tensor<16x32x16xf32>
// CHECK: %[[Y:.*]] = dl.winograd_conv2d %arg0, %[[U]], %arg2 {padding = array<i64: 1, 1>} : tensor<?x16x16x18xf32>, tensor<16x32x16xf32>, tensor<32xf32> -> tensor<?x32x16x18xf32>
// CHECK: %[[U2:.*]] = dl.winograd_filter %arg3 : tensor<16x32x3x3xf32> -> tensor<16x16x32xf32>
// CHECK: dl.winograd_conv2d %[[Y]], %[[U2]] : tensor<?x32x16x18xf32>, tensor<16x16x32xf32> -> tensor<?x16x14x16xf32>
// CHECK-COUNT-5: dl.conv2d
// A 7x7 image (49 pixels) takes it, a 6x6 one not.
// CHECK: dl.winograd_filter
// CHECK: dl.winograd_conv2d {{.*}} -> tensor<?x32x7x7xf32>
// CHECK: dl.conv2d {{.*}} -> tensor<?x32x6x6xf32>
// CHECK-NOT: winograd
// CHECK-LABEL: func.func @other(
// CHECK: dl.conv2d
// CHECK-LABEL: func.func @train_step(
// CHECK: %[[TU:.*]] = dl.winograd_filter %arg1 : tensor<32x16x3x3xf32> -> tensor<16x32x16xf32>
// CHECK: dl.winograd_conv2d %arg0, %[[TU]] {padding = array<i64: 1, 1>}
// CHECK: %[[TT:.*]] = dl.winograd_filter %arg1 {transposed} : tensor<32x16x3x3xf32> -> tensor<16x16x32xf32>
// CHECK: dl.winograd_conv2d %arg2, %[[TT]] {padding = array<i64: 1, 1>} : tensor<?x32x16x18xf32>, tensor<16x16x32xf32> -> tensor<?x16x16x18xf32>
// CHECK: %[[TV:.*]] = dl.winograd_filter %arg1 {transposed}
// CHECK: dl.winograd_conv2d %arg3, %[[TV]] {padding = array<i64: 2, 2>} : tensor<?x32x14x16xf32>, tensor<16x16x32xf32> -> tensor<?x16x16x18xf32>
// CHECK: dl.conv2d_grad_input %arg4, %arg1 {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>}

// PREP: func.func @prepare(
// PREP-COUNT-3: dl.winograd_filter
// PREP: func.func @forward(
// PREP-NOT: dl.winograd_filter
// PREP: dl.winograd_conv2d %arg0, %{{.*}}, %arg2

// 288 pixels are enough, 224 not.
// FEW-LABEL: func.func @forward(
// FEW: dl.winograd_conv2d
// FEW-NOT: winograd
// FEW-LABEL: func.func @other(

func.func @forward(%x: tensor<?x16x16x18xf32> {dl.input = "x"},
                   %w: tensor<32x16x3x3xf32> {dl.param = "a.weight"},
                   %b: tensor<32xf32> {dl.param = "a.bias"},
                   %w2: tensor<16x32x3x3xf32> {dl.param = "b.weight"},
                   %w3: tensor<32x8x3x3xf32> {dl.param = "g.weight"},
                   %w4: tensor<8x16x3x3xf32> {dl.param = "n.weight"},
                   %w5: tensor<16x16x5x5xf32> {dl.param = "k.weight"},
                   %x7: tensor<?x16x9x9xf32> {dl.input = "x7"},
                   %x6: tensor<?x16x8x8xf32> {dl.input = "x6"})
    -> (tensor<?x16x14x16xf32>, tensor<?x32x8x9xf32>, tensor<?x32x12x14xf32>,
        tensor<?x32x16x18xf32>, tensor<?x8x14x16xf32>, tensor<?x16x12x14xf32>,
        tensor<?x32x7x7xf32>, tensor<?x32x6x6xf32>) {
  %y = dl.conv2d %x, %w, %b {padding = array<i64: 1, 1>}
      : tensor<?x16x16x18xf32>, tensor<32x16x3x3xf32>, tensor<32xf32> -> tensor<?x32x16x18xf32>
  %z = dl.conv2d %y, %w2 : tensor<?x32x16x18xf32>, tensor<16x32x3x3xf32> -> tensor<?x16x14x16xf32>
  %s = dl.conv2d %x, %w, %b {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>}
      : tensor<?x16x16x18xf32>, tensor<32x16x3x3xf32>, tensor<32xf32> -> tensor<?x32x8x9xf32>
  %d = dl.conv2d %x, %w, %b {dilation = array<i64: 2, 2>}
      : tensor<?x16x16x18xf32>, tensor<32x16x3x3xf32>, tensor<32xf32> -> tensor<?x32x12x14xf32>
  %g = dl.conv2d %y, %w3 {groups = 4 : i64, padding = array<i64: 1, 1>}
      : tensor<?x32x16x18xf32>, tensor<32x8x3x3xf32> -> tensor<?x32x16x18xf32>
  %n = dl.conv2d %x, %w4 : tensor<?x16x16x18xf32>, tensor<8x16x3x3xf32> -> tensor<?x8x14x16xf32>
  %k = dl.conv2d %x, %w5 : tensor<?x16x16x18xf32>, tensor<16x16x5x5xf32> -> tensor<?x16x12x14xf32>
  %s7 = dl.conv2d %x7, %w : tensor<?x16x9x9xf32>, tensor<32x16x3x3xf32> -> tensor<?x32x7x7xf32>
  %s6 = dl.conv2d %x6, %w : tensor<?x16x8x8xf32>, tensor<32x16x3x3xf32> -> tensor<?x32x6x6xf32>
  return %z, %s, %d, %g, %n, %k, %s7, %s6 : tensor<?x16x14x16xf32>, tensor<?x32x8x9xf32>, tensor<?x32x12x14xf32>, tensor<?x32x16x18xf32>, tensor<?x8x14x16xf32>, tensor<?x16x12x14xf32>, tensor<?x32x7x7xf32>, tensor<?x32x6x6xf32>
}

func.func @other(%x: tensor<?x16x16x18xf32>, %w: tensor<32x16x3x3xf32>) -> tensor<?x32x16x18xf32> {
  %y = dl.conv2d %x, %w {padding = array<i64: 1, 1>}
      : tensor<?x16x16x18xf32>, tensor<32x16x3x3xf32> -> tensor<?x32x16x18xf32>
  return %y : tensor<?x32x16x18xf32>
}

func.func @train_step(%x: tensor<?x16x16x18xf32>, %w: tensor<32x16x3x3xf32>,
                      %dy: tensor<?x32x16x18xf32>, %dz: tensor<?x32x14x16xf32>,
                      %ds: tensor<?x32x8x9xf32>)
    -> (tensor<?x32x16x18xf32>, tensor<?x16x16x18xf32>, tensor<?x16x16x18xf32>, tensor<?x16x16x18xf32>) {
  %y = dl.conv2d %x, %w {padding = array<i64: 1, 1>}
      : tensor<?x16x16x18xf32>, tensor<32x16x3x3xf32> -> tensor<?x32x16x18xf32>
  %dx = dl.conv2d_grad_input %dy, %w {padding = array<i64: 1, 1>}
      : tensor<?x32x16x18xf32>, tensor<32x16x3x3xf32> -> tensor<?x16x16x18xf32>
  %dx0 = dl.conv2d_grad_input %dz, %w
      : tensor<?x32x14x16xf32>, tensor<32x16x3x3xf32> -> tensor<?x16x16x18xf32>
  %dxs = dl.conv2d_grad_input %ds, %w {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>}
      : tensor<?x32x8x9xf32>, tensor<32x16x3x3xf32> -> tensor<?x16x16x18xf32>
  return %y, %dx, %dx0, %dxs : tensor<?x32x16x18xf32>, tensor<?x16x16x18xf32>, tensor<?x16x16x18xf32>, tensor<?x16x16x18xf32>
}
