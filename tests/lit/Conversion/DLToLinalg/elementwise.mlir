// RUN: dlc-opt %s -convert-dl-to-linalg -cse -split-input-file | FileCheck %s

// Tests the activations: each a parallel linalg.generic.
// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK: linalg.generic
  // CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
  %0 = dl.relu %x : tensor<?x8xf32>
  // CHECK: linalg.generic
  // CHECK: %[[S:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
  // CHECK: %[[P:.*]] = arith.cmpf ogt
  // CHECK: arith.select %[[P]], %{{.*}}, %[[S]]
  %1 = dl.leaky_relu %0 {alpha = 0.2 : f64} : tensor<?x8xf32>
  // CHECK: linalg.generic
  // CHECK: arith.negf
  // CHECK: math.exp
  // CHECK: arith.divf
  %2 = dl.sigmoid %1 : tensor<?x8xf32>
  // CHECK: linalg.generic
  // CHECK: math.tanh
  %3 = dl.tanh %2 : tensor<?x8xf32>
  return %3 : tensor<?x8xf32>
}

// -----
// Tests that a scalar operand broadcasts through a rank-0 indexing map.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @arithmetic
func.func @arithmetic(%x: tensor<?x8xf32>, %s: tensor<f32>) -> tensor<?x8xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]]
  // CHECK: arith.addf
  %0 = dl.add %x, %x : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[SCALAR]], #[[ID]], #[[ID]]]
  // CHECK: arith.subf
  %1 = dl.sub %s, %0 : tensor<f32>, tensor<?x8xf32> -> tensor<?x8xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]]
  // CHECK: arith.mulf
  %2 = dl.mul %1, %s : tensor<?x8xf32>, tensor<f32> -> tensor<?x8xf32>
  return %2 : tensor<?x8xf32>
}

// -----
// Tests that inference dropout disappears.
// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>)
// CHECK-NEXT: return %[[X]]
func.func @dropout(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = dl.dropout %x {p = 0.5 : f64} : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----
// Tests the stable softmax: a max reduction, exp(x - max), a sum, a division.
// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  // CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[MAXINIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?xf32>)
  // CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<?x10xf32>) outs(%[[MAXINIT]] : tensor<?xf32>)
  // CHECK: arith.maximumf
  // CHECK: %[[E:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
  // CHECK: arith.subf
  // CHECK: math.exp
  // CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[E]] : tensor<?x10xf32>)
  // CHECK: linalg.generic {{.*}} ins(%[[E]], %[[SUM]] : tensor<?x10xf32>, tensor<?xf32>)
  // CHECK: arith.divf
  %0 = dl.softmax %x : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}
