// RUN: dlc-opt %s -dlc-hoist-accumulators | FileCheck %s

// Tests that a register block's accumulator is read once before the
// reduction loop and written once after it, carried as a vector between.
// CHECK-LABEL: func.func @block
// CHECK: %[[INIT:.*]] = vector.transfer_read %[[ACCMEM:.*]][%{{.*}}, %{{.*}}]
// CHECK: %[[LOOP:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (vector<4x32xf32>)
// CHECK-NOT: vector.transfer_write
// CHECK: %[[SUM:.*]] = arith.addf %[[ACC]], %{{.*}} : vector<4x32xf32>
// CHECK: scf.yield %[[SUM]]
// CHECK: vector.transfer_write %[[LOOP]], %[[ACCMEM]]
func.func @block(%w: memref<4x72xf32>, %col: memref<72x32xf32>, %acc: memref<4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c72 = arith.constant 72 : index
  %z = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c72 step %c1 {
    %a = vector.transfer_read %acc[%c0, %c0], %z : memref<4x32xf32>, vector<4x32xf32>
    %x = vector.transfer_read %col[%k, %c0], %z : memref<72x32xf32>, vector<32xf32>
    %xb = vector.broadcast %x : vector<32xf32> to vector<4x32xf32>
    %s = arith.addf %a, %xb : vector<4x32xf32>
    vector.transfer_write %s, %acc[%c0, %c0] : vector<4x32xf32>, memref<4x32xf32>
  }
  return
}
