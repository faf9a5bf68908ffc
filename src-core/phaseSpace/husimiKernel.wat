;; The O(K²) sweep of the polar Husimi evaluation (husimi.ts, sweepPair) for two radii at once:
;;   A_k = Σ_m c_m c_{m+k} X_{m,m+k},  D_k = Σ_m m c_m c_{m+k} X_{m,m+k}   (radius b0; B_k, E_k the same for b1)
;; over the window lo ≤ m, m + k ≤ hi. The same operations in the same order as the TypeScript sweepPair, one f64x2
;; lane pair per complex element (Re, Im), so the results are bit-identical (test/core/phaseSpace/husimiKernel.test.ts).
;; Memory (byte offsets): pack = the upper triangle of X by diagonals, interleaved complex, diagonal k starting at
;; element kK − k(k−1)/2; c = c_m(r_i) at element iK + m (doubles); coef = 8 doubles per k (A, D of b0; B, E of b1).
;; Built into husimiKernelWasm.ts by scripts/build-wasm.mjs (wabt); edit this file, then run `npm run build:wasm`.
(module
  (memory (export "mem") 1)
  (func (export "sweepPair") (param $K i32) (param $pack i32) (param $c i32) (param $b0 i32) (param $b1 i32)
        (param $lo i32) (param $hi i32) (param $coef i32)
    (local $k i32) (local $kMax i32) (local $m i32) (local $p i32) (local $c0 i32) (local $c1 i32) (local $q i32)
    (local $P v128) (local $X v128) (local $Y v128) (local $M v128)
    (local $A v128) (local $D v128) (local $B v128) (local $E v128)
    (local.set $kMax (select (i32.sub (local.get $hi) (local.get $lo)) (i32.const 0)
                             (i32.gt_s (i32.sub (local.get $hi) (local.get $lo)) (i32.const 0))))
    (local.set $k (i32.const 0))
    (block $done (loop $diag
      (br_if $done (i32.gt_s (local.get $k) (local.get $kMax)))
      (local.set $A (v128.const f64x2 0 0))
      (local.set $D (v128.const f64x2 0 0))
      (local.set $B (v128.const f64x2 0 0))
      (local.set $E (v128.const f64x2 0 0))
      (local.set $m (local.get $lo))
      ;; p = byte of element (m, m + k) in pack: 16 (kK − k(k−1)/2 + m)
      (local.set $p (i32.add (local.get $pack) (i32.shl
        (i32.add (i32.sub (i32.mul (local.get $k) (local.get $K))
                          (i32.shr_s (i32.mul (local.get $k) (i32.sub (local.get $k) (i32.const 1))) (i32.const 1)))
                 (local.get $m)) (i32.const 4))))
      ;; c0, c1 = bytes of c[b0 + m], c[b1 + m]; c[· + k] is 8k further
      (local.set $c0 (i32.add (local.get $c) (i32.shl (i32.add (local.get $b0) (local.get $m)) (i32.const 3))))
      (local.set $c1 (i32.add (local.get $c) (i32.shl (i32.add (local.get $b1) (local.get $m)) (i32.const 3))))
      (local.set $q (i32.shl (local.get $k) (i32.const 3)))
      (block $mdone (loop $elems
        (br_if $mdone (i32.gt_s (i32.add (local.get $m) (local.get $k)) (local.get $hi)))
        (local.set $P (v128.load (local.get $p)))
        (local.set $X (f64x2.mul (f64x2.splat (f64.mul (f64.load (local.get $c0)) (f64.load (i32.add (local.get $c0) (local.get $q)))))
                                 (local.get $P)))
        (local.set $Y (f64x2.mul (f64x2.splat (f64.mul (f64.load (local.get $c1)) (f64.load (i32.add (local.get $c1) (local.get $q)))))
                                 (local.get $P)))
        (local.set $M (f64x2.splat (f64.convert_i32_s (local.get $m))))
        (local.set $A (f64x2.add (local.get $A) (local.get $X)))
        (local.set $D (f64x2.add (local.get $D) (f64x2.mul (local.get $M) (local.get $X))))
        (local.set $B (f64x2.add (local.get $B) (local.get $Y)))
        (local.set $E (f64x2.add (local.get $E) (f64x2.mul (local.get $M) (local.get $Y))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
        (local.set $c1 (i32.add (local.get $c1) (i32.const 8)))
        (br $elems)))
      (local.set $p (i32.add (local.get $coef) (i32.shl (local.get $k) (i32.const 6))))
      (v128.store offset=0 (local.get $p) (local.get $A))
      (v128.store offset=16 (local.get $p) (local.get $D))
      (v128.store offset=32 (local.get $p) (local.get $B))
      (v128.store offset=48 (local.get $p) (local.get $E))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $diag)))
  )
)
