// RUN: dlc-opt %s --dl-transpose-dense-weights | FileCheck %s
// RUN: dlc-opt %s --dl-transpose-dense-weights --dl-outline-prepare | FileCheck %s --check-prefix=PREP
// RUN: dlc-opt %s --dl-transpose-dense-weights=max-elements=1000 | FileCheck %s --check-prefix=SMALL

// Tests that @forward's dense layers with a multiple of 16 outputs and a
// weight of at most max-elements become dl.matmul of their input and the
// transposed weight, with their bias (or none); that 10 outputs, a larger
// weight and other functions are left alone; and that the transposes move
// into @prepare.

// CHECK-LABEL: func.func @forward(
// CHECK: %[[WT:.*]] = dl.transpose %arg1 : tensor<32x64xf32> -> tensor<64x32xf32>
// CHECK: %[[H:.*]] = dl.matmul %arg0, %[[WT]], %arg2 : tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32> -> tensor<?x32xf32>
// CHECK: %[[WT2:.*]] = dl.transpose %arg3 : tensor<16x32xf32> -> tensor<32x16xf32>
// CHECK: %[[Z:.*]] = dl.matmul %[[H]], %[[WT2]] : tensor<?x32xf32>, tensor<32x16xf32> -> tensor<?x16xf32>
// CHECK: dl.dense %[[Z]], %arg4
// CHECK-NOT: dl.transpose
// CHECK-LABEL: func.func @other(
// CHECK: dl.dense

// PREP: func.func @prepare(
// PREP-COUNT-2: dl.transpose
// PREP: func.func @forward(
// PREP-NOT: dl.transpose
// PREP: dl.matmul %arg0, %{{.*}}, %arg2

// 512 elements are few enough, 2048 not.
// SMALL: dl.dense %arg0
// SMALL: dl.transpose %arg3
// SMALL-NOT: dl.transpose

func.func @forward(%x: tensor<?x64xf32> {dl.input = "x"},
                   %w: tensor<32x64xf32> {dl.param = "a.weight"},
                   %b: tensor<32xf32> {dl.param = "a.bias"},
                   %w2: tensor<16x32xf32> {dl.param = "b.weight"},
                   %w3: tensor<10x16xf32> {dl.param = "c.weight"}) -> tensor<?x10xf32> {
  %h = dl.dense %x, %w, %b : tensor<?x64xf32>, tensor<32x64xf32>, tensor<32xf32> -> tensor<?x32xf32>
  %z = dl.dense %h, %w2 : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
  %y = dl.dense %z, %w3 : tensor<?x16xf32>, tensor<10x16xf32> -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

func.func @other(%x: tensor<?x64xf32>, %w: tensor<32x64xf32>) -> tensor<?x32xf32> {
  %y = dl.dense %x, %w : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
