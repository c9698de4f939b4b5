// RUN: dlc-opt %s -canonicalize | FileCheck %s

// Tests that dropout folds away at inference but stays in training.
// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>)
func.func @dropout(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // CHECK: %[[T:.*]] = dl.dropout %[[X]] {p = 5.000000e-01 : f64, training}
  // CHECK: return %[[X]], %[[T]]
  %0 = dl.dropout %x {p = 0.5 : f64} : tensor<?x8xf32>
  %1 = dl.dropout %x {p = 0.5 : f64, training} : tensor<?x8xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<?x8xf32>
}

// Tests that dl ops without uses are dead code (they are Pure).
// CHECK-LABEL: func.func @dead
// CHECK-NEXT: return
func.func @dead(%x: tensor<?x8xf32>) {
  %0 = dl.relu %x : tensor<?x8xf32>
  %1 = dl.softmax %0 : tensor<?x8xf32>
  return
}
