// RUN: dlc-opt %s -dlc-prefetch-weights | FileCheck %s

// Tests that a register block's reduction loop, reading 8 weights per step
// from rows f..f+7 at column k, prefetches row f + 8 + (k mod 8) at column
// k into L2 (locality 2), the matrix's last row at most.
// CHECK-LABEL: func.func @block
// CHECK: scf.for %[[K:.*]] = %[[LB:.*]] to
// CHECK-DAG:   %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:   %[[STEP:.*]] = arith.subi %[[K]], %[[LB]]
// CHECK:   %[[MOD:.*]] = arith.remui %[[STEP]], %[[C8]]
// CHECK:   %[[NEXT:.*]] = arith.addi %[[C8]], %[[MOD]]
// CHECK-DAG:   %[[C31:.*]] = arith.constant 31 : index
// CHECK-DAG:   %[[ROW:.*]] = arith.addi %[[F:.*]], %[[NEXT]]
// CHECK:   %[[CLAMP:.*]] = arith.minui %[[ROW]], %[[C31]]
// CHECK:   memref.prefetch %[[W:.*]][%[[CLAMP]], %[[K]]], read, locality<2>, data
// CHECK:   memref.subview %[[W]][%[[F]], %[[K]]] [8, 1] [1, 1]
func.func @block(%w: memref<32x256xf32>, %col: memref<256x32xf32>,
                 %acc: memref<8x32xf32>, %f: index, %lb: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c256 = arith.constant 256 : index
  %z = arith.constant 0.0 : f32
  %init = vector.transfer_read %acc[%c0, %c0], %z : memref<8x32xf32>, vector<32xf32>
  %r = scf.for %k = %lb to %c256 step %c1 iter_args(%a = %init) -> (vector<32xf32>) {
    %ws = memref.subview %w[%f, %k] [8, 1] [1, 1] : memref<32x256xf32> to memref<8x1xf32, strided<[256, 1], offset: ?>>
    %w0 = memref.load %ws[%c0, %c0] : memref<8x1xf32, strided<[256, 1], offset: ?>>
    %w7 = memref.load %ws[%c7, %c0] : memref<8x1xf32, strided<[256, 1], offset: ?>>
    %x = vector.transfer_read %col[%k, %c0], %z : memref<256x32xf32>, vector<32xf32>
    %b0 = vector.broadcast %w0 : f32 to vector<32xf32>
    %b7 = vector.broadcast %w7 : f32 to vector<32xf32>
    %s0 = vector.fma %b0, %x, %a : vector<32xf32>
    %s7 = vector.fma %b7, %x, %s0 : vector<32xf32>
    scf.yield %s7 : vector<32xf32>
  }
  vector.transfer_write %r, %acc[%c0, %c0] : vector<32xf32>, memref<8x32xf32>
  return
}

// Tests that nothing is prefetched when the view is not one column of
// several rows (here a row of the block), or when the loop is not
// innermost.
// CHECK-LABEL: func.func @not_a_column
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @not_a_column(%w: memref<32x256xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  scf.for %k = %c0 to %c32 step %c8 {
    %ws = memref.subview %w[%k, 0] [1, 8] [1, 1] : memref<32x256xf32> to memref<1x8xf32, strided<[256, 1], offset: ?>>
    %v = memref.load %ws[%c0, %c1] : memref<1x8xf32, strided<[256, 1], offset: ?>>
    memref.store %v, %out[%c0] : memref<8xf32>
  }
  scf.for %k = %c0 to %c32 step %c1 {
    %ws = memref.subview %w[0, %k] [8, 1] [1, 1] : memref<32x256xf32> to memref<8x1xf32, strided<[256, 1], offset: ?>>
    %v = memref.load %ws[%c0, %c0] : memref<8x1xf32, strided<[256, 1], offset: ?>>
    scf.for %i = %c0 to %c8 step %c1 {
      memref.store %v, %out[%i] : memref<8xf32>
    }
  }
  return
}

// Tests that a dot-product block, reading one vector per step from each of
// rows j..j+3 of w (static rows, a tile's strided view) and of x (rows:
// the batch), prefetches rows j+4..j+7 of w at the step's column, one
// prefetch per row, and none of x; and that a loop with a dynamic bound
// (a reduction as long as the batch) prefetches nothing.
// CHECK-LABEL: func.func @dot_rows
// CHECK: scf.for %[[K:.*]] = %c0 to %c2048 step %c16
// CHECK-COUNT-4: memref.prefetch %[[W:arg1]][%{{.*}}, %[[K]]], read, locality<2>, data : memref<12x2048xf32, strided<[2048, 1], offset: ?>>
// CHECK-NOT: memref.prefetch
// CHECK: scf.yield
// CHECK: scf.for
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @dot_rows(%x: memref<?x2048xf32>, %w: memref<12x2048xf32, strided<[2048, 1], offset: ?>>, %j: index,
                    %n: index) -> (vector<16xf32>, vector<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %c2048 = arith.constant 2048 : index
  %z = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %j1 = arith.addi %j, %c1 : index
  %j2 = arith.addi %j, %c2 : index
  %j3 = arith.addi %j, %c3 : index
  %r = scf.for %k = %c0 to %c2048 step %c16 iter_args(%a = %zero) -> (vector<16xf32>) {
    %x0 = vector.transfer_read %x[%c0, %k], %z {in_bounds = [true]} : memref<?x2048xf32>, vector<16xf32>
    %x1 = vector.transfer_read %x[%c1, %k], %z {in_bounds = [true]} : memref<?x2048xf32>, vector<16xf32>
    %w0 = vector.transfer_read %w[%j, %k], %z {in_bounds = [true]} : memref<12x2048xf32, strided<[2048, 1], offset: ?>>, vector<16xf32>
    %w1 = vector.transfer_read %w[%j1, %k], %z {in_bounds = [true]} : memref<12x2048xf32, strided<[2048, 1], offset: ?>>, vector<16xf32>
    %w2 = vector.transfer_read %w[%j2, %k], %z {in_bounds = [true]} : memref<12x2048xf32, strided<[2048, 1], offset: ?>>, vector<16xf32>
    %w3 = vector.transfer_read %w[%j3, %k], %z {in_bounds = [true]} : memref<12x2048xf32, strided<[2048, 1], offset: ?>>, vector<16xf32>
    %s0 = vector.fma %x0, %w0, %a : vector<16xf32>
    %s1 = vector.fma %x1, %w1, %s0 : vector<16xf32>
    %s2 = vector.fma %x0, %w2, %s1 : vector<16xf32>
    %s3 = vector.fma %x1, %w3, %s2 : vector<16xf32>
    scf.yield %s3 : vector<16xf32>
  }
  %d = scf.for %k = %c0 to %n step %c16 iter_args(%a = %zero) -> (vector<16xf32>) {
    %w0 = vector.transfer_read %w[%j, %k], %z {in_bounds = [true]} : memref<12x2048xf32, strided<[2048, 1], offset: ?>>, vector<16xf32>
    %w1 = vector.transfer_read %w[%j1, %k], %z {in_bounds = [true]} : memref<12x2048xf32, strided<[2048, 1], offset: ?>>, vector<16xf32>
    %s0 = vector.fma %w0, %w1, %a : vector<16xf32>
    scf.yield %s0 : vector<16xf32>
  }
  return %r, %d : vector<16xf32>, vector<16xf32>
}
