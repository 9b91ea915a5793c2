// Growable typed arrays: compact columns for an index that is built once and then appended to.

type TypedArray = Int32Array | Uint8Array | Float64Array | Float32Array;
type Ctor<T extends TypedArray> = new (length: number) => T;

class Growable<T extends TypedArray> {
  data: T;
  length = 0;

  constructor(
    private readonly ctor: Ctor<T>,
    capacity = 1024,
    private readonly fill = 0,
  ) {
    this.data = new ctor(capacity);
    if (fill !== 0) this.data.fill(fill as never);
  }

  ensure(capacity: number): void {
    if (capacity <= this.data.length) return;
    let size = this.data.length;
    while (size < capacity) size = Math.ceil(size * 1.5) + 16;
    const next = new this.ctor(size);
    next.set(this.data as never);
    if (this.fill !== 0) next.fill(this.fill as never, this.data.length);
    this.data = next;
  }

  push(value: number): number {
    if (this.length >= this.data.length) this.ensure(this.length + 1);
    this.data[this.length] = value;
    return this.length++;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, value: number): void {
    if (i >= this.data.length) this.ensure(i + 1);
    this.data[i] = value;
    if (i >= this.length) this.length = i + 1;
  }

  get bytes(): number {
    return this.data.byteLength;
  }
}

export class Int32Vec extends Growable<Int32Array> {
  constructor(capacity = 1024, fill = 0) {
    super(Int32Array, capacity, fill);
  }
}

export class Uint8Vec extends Growable<Uint8Array> {
  constructor(capacity = 1024, fill = 0) {
    super(Uint8Array, capacity, fill);
  }
}

export class Float64Vec extends Growable<Float64Array> {
  constructor(capacity = 1024, fill = 0) {
    super(Float64Array, capacity, fill);
  }
}
