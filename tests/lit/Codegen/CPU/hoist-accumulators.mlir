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

// Tests that the tile leaves nested reduction loops (c, kh, kw) at once,
// through rank-reducing views of a strided buffer.
// CHECK-LABEL: func.func @nested
// CHECK: %[[T:.*]] = vector.transfer_read %[[V:.*]][%{{.*}}, %{{.*}}]
// CHECK: %[[R:.*]] = scf.for {{.*}} iter_args(%[[A:.*]] = %[[T]]) -> (vector<4x32xf32>)
// CHECK:   scf.for {{.*}} iter_args(%{{.*}} = %[[A]]) -> (vector<4x32xf32>)
// CHECK-NOT: vector.transfer_write
// CHECK: vector.transfer_write %[[R]], %[[V]]
func.func @nested(%out: memref<8x64xf32>, %in: memref<9x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %z = arith.constant 0.0 : f32
  %tile = memref.subview %out[4, 32] [4, 32] [1, 1] : memref<8x64xf32> to memref<4x32xf32, strided<[64, 1], offset: 288>>
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c3 step %c1 {
      %a = vector.transfer_read %tile[%c0, %c0], %z : memref<4x32xf32, strided<[64, 1], offset: 288>>, vector<4x32xf32>
      %x = vector.transfer_read %in[%j, %c0], %z : memref<9x32xf32>, vector<32xf32>
      %xb = vector.broadcast %x : vector<32xf32> to vector<4x32xf32>
      %s = arith.addf %a, %xb : vector<4x32xf32>
      vector.transfer_write %s, %tile[%c0, %c0] : vector<4x32xf32>, memref<4x32xf32, strided<[64, 1], offset: 288>>
    }
  }
  return
}

// Tests that nothing moves when another op in the loop writes memory.
// CHECK-LABEL: func.func @other_writer
// CHECK: scf.for
// CHECK-NEXT: vector.transfer_read %{{.*}} : memref<4x32xf32>, vector<4x32xf32>
func.func @other_writer(%acc: memref<4x32xf32>, %other: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %z = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c3 step %c1 {
    %a = vector.transfer_read %acc[%c0, %c0], %z : memref<4x32xf32>, vector<4x32xf32>
    %s = arith.addf %a, %a : vector<4x32xf32>
    vector.transfer_write %s, %acc[%c0, %c0] : vector<4x32xf32>, memref<4x32xf32>
    memref.store %z, %other[%i] : memref<32xf32>
  }
  return
}
