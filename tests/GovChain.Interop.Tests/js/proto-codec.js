'use strict';
// A proto3 wire codec driven by the message descriptors @grpc/proto-loader reads from the
// repository's .proto files. proto-loader only hands out serializers for RPC requests and
// responses, while a GovChain client must also encode the messages nested as bytes
// (TransactionBody, a method's args) and hash the exact bytes the node sent (a block header,
// a receipt, a validator set). So every decoded message keeps its own wire bytes in `$bytes`.
//
// 64-bit integers are BigInt; bytes are Buffer; enums are their numbers; a missing
// sub-message decodes to null. Encoding skips proto3 default values, so it does not write
// a oneof member set to its default (none of the messages this client encodes needs that).

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const MAX_DEPTH = 64;

const SCALAR_DEFAULTS = {
  TYPE_STRING: () => '',
  TYPE_BYTES: () => Buffer.alloc(0),
  TYPE_BOOL: () => false,
  TYPE_UINT64: () => 0n,
  TYPE_INT64: () => 0n,
  TYPE_SINT64: () => 0n,
  TYPE_FIXED64: () => 0n,
  TYPE_SFIXED64: () => 0n,
  TYPE_UINT32: () => 0,
  TYPE_INT32: () => 0,
  TYPE_SINT32: () => 0,
  TYPE_FIXED32: () => 0,
  TYPE_SFIXED32: () => 0,
  TYPE_ENUM: () => 0,
  TYPE_DOUBLE: () => 0,
  TYPE_FLOAT: () => 0,
};

class ProtoCodec {
  /** @param packageDefinition what protoLoader.loadSync returned */
  constructor(packageDefinition) {
    this.types = new Map();
    for (const [fullName, entry] of Object.entries(packageDefinition)) {
      if (entry && entry.format === 'Protocol Buffer 3 DescriptorProto') {
        this.types.set(fullName, entry.type);
      }
    }
    this.fieldCache = new Map();
  }

  /** Encodes a plain object as the message `typeName` (a full name such as "govchain.v1.Parcel"). */
  encode(typeName, value) {
    const out = [];
    this.writeMessage(typeName, value || {}, out, 0);
    return Buffer.concat(out);
  }

  /** Decodes `bytes` as the message `typeName`; throws a clear Error on malformed input. */
  decode(typeName, bytes) {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    if (buffer.length > MAX_MESSAGE_BYTES) {
      throw new Error(`${typeName}: ${buffer.length} bytes is more than ${MAX_MESSAGE_BYTES}`);
    }
    return this.readMessage(typeName, buffer, 0);
  }

  fields(typeName) {
    let cached = this.fieldCache.get(typeName);
    if (cached) return cached;
    const descriptor = this.types.get(typeName);
    if (!descriptor) throw new Error(`unknown message type ${typeName}`);
    const byNumber = new Map();
    for (const f of descriptor.field) {
      const resolved = f.type === 'TYPE_MESSAGE' ? this.resolve(typeName, f.typeName) : null;
      byNumber.set(f.number, { name: f.name, number: f.number, type: f.type, repeated: f.label === 'LABEL_REPEATED', messageType: resolved });
    }
    const list = [...byNumber.values()].sort((a, b) => a.number - b.number);
    cached = { list, byNumber, names: new Set(list.map((f) => f.name)) };
    this.fieldCache.set(typeName, cached);
    return cached;
  }

  // Protobuf name resolution: a relative name is looked up from the innermost scope outwards.
  resolve(scope, name) {
    if (name.startsWith('.')) return name.slice(1);
    const parts = scope.split('.');
    for (let i = parts.length; i >= 0; i--) {
      const candidate = parts.slice(0, i).concat(name).join('.');
      if (this.types.has(candidate)) return candidate;
    }
    throw new Error(`cannot resolve type ${name} from ${scope}`);
  }

  writeMessage(typeName, value, out, depth) {
    if (depth > MAX_DEPTH) throw new Error(`${typeName}: nested deeper than ${MAX_DEPTH}`);
    const { list, names } = this.fields(typeName);
    // A misspelt field would otherwise vanish from the bytes that get signed.
    for (const key of Object.keys(value)) {
      if (!names.has(key)) throw new Error(`${typeName} has no field ${key}`);
    }
    for (const field of list) {
      const v = value[field.name];
      if (v === undefined || v === null) continue;
      if (field.repeated) {
        for (const item of v) this.writeField(field, item, out, depth, true);
      } else {
        this.writeField(field, v, out, depth, false);
      }
    }
  }

  writeField(field, v, out, depth, always) {
    switch (field.type) {
      case 'TYPE_MESSAGE': {
        const inner = [];
        this.writeMessage(field.messageType, v, inner, depth + 1);
        const body = Buffer.concat(inner);
        out.push(tag(field.number, WIRE_LENGTH), varint(BigInt(body.length)), body);
        return;
      }
      case 'TYPE_STRING':
      case 'TYPE_BYTES': {
        const body = field.type === 'TYPE_STRING' ? Buffer.from(String(v), 'utf8') : Buffer.from(v);
        if (!always && body.length === 0) return;
        out.push(tag(field.number, WIRE_LENGTH), varint(BigInt(body.length)), body);
        return;
      }
      case 'TYPE_BOOL':
        if (!always && !v) return;
        out.push(tag(field.number, WIRE_VARINT), varint(v ? 1n : 0n));
        return;
      case 'TYPE_UINT64':
      case 'TYPE_UINT32':
      case 'TYPE_INT64':
      case 'TYPE_INT32':
      case 'TYPE_ENUM': {
        let n = BigInt(v);
        if (!always && n === 0n) return;
        // Negative int32/int64/enum values are written as their 64-bit two's complement.
        if (n < 0n) n = BigInt.asUintN(64, n);
        out.push(tag(field.number, WIRE_VARINT), varint(n));
        return;
      }
      default:
        throw new Error(`encoding ${field.type} (${field.name}) is not supported by this codec`);
    }
  }

  readMessage(typeName, buffer, depth) {
    if (depth > MAX_DEPTH) throw new Error(`${typeName}: nested deeper than ${MAX_DEPTH}`);
    const { list, byNumber } = this.fields(typeName);
    const message = {};
    for (const f of list) {
      message[f.name] = f.repeated ? [] : f.type === 'TYPE_MESSAGE' ? null : SCALAR_DEFAULTS[f.type]();
    }
    Object.defineProperty(message, '$bytes', { value: buffer, enumerable: false });

    const reader = new Reader(buffer, typeName);
    while (!reader.done()) {
      const key = reader.varint();
      const number = Number(key >> 3n);
      const wire = Number(key & 7n);
      if (number === 0) throw new Error(`${typeName}: field number 0 at offset ${reader.pos}`);
      const field = byNumber.get(number);
      if (!field) {
        reader.skip(wire);
        continue;
      }
      const values = [];
      if (wire === WIRE_LENGTH && isPackable(field.type)) {
        const packed = new Reader(reader.lengthDelimited(), typeName);
        while (!packed.done()) values.push(readScalar(field, packed, field.type === 'TYPE_DOUBLE' ? WIRE_FIXED64 : WIRE_VARINT));
      } else if (field.type === 'TYPE_MESSAGE') {
        expectWire(typeName, field, wire, WIRE_LENGTH);
        values.push(this.readMessage(field.messageType, reader.lengthDelimited(), depth + 1));
      } else {
        values.push(readScalar(field, reader, wire));
      }
      if (field.repeated) message[field.name].push(...values);
      else message[field.name] = values[values.length - 1];
    }
    return message;
  }
}

function isPackable(type) {
  return type !== 'TYPE_STRING' && type !== 'TYPE_BYTES' && type !== 'TYPE_MESSAGE';
}

function expectWire(typeName, field, wire, expected) {
  if (wire !== expected) throw new Error(`${typeName}.${field.name}: wire type ${wire}, expected ${expected}`);
}

function readScalar(field, reader, wire) {
  const where = `field ${field.name}`;
  switch (field.type) {
    case 'TYPE_STRING':
      expectWire(where, field, wire, WIRE_LENGTH);
      return reader.lengthDelimited().toString('utf8');
    case 'TYPE_BYTES':
      expectWire(where, field, wire, WIRE_LENGTH);
      return Buffer.from(reader.lengthDelimited());
    case 'TYPE_BOOL':
      expectWire(where, field, wire, WIRE_VARINT);
      return reader.varint() !== 0n;
    case 'TYPE_UINT64':
      expectWire(where, field, wire, WIRE_VARINT);
      return reader.varint();
    case 'TYPE_INT64':
      expectWire(where, field, wire, WIRE_VARINT);
      return BigInt.asIntN(64, reader.varint());
    case 'TYPE_UINT32':
      expectWire(where, field, wire, WIRE_VARINT);
      return Number(BigInt.asUintN(32, reader.varint()));
    case 'TYPE_INT32':
    case 'TYPE_ENUM':
      expectWire(where, field, wire, WIRE_VARINT);
      return Number(BigInt.asIntN(32, reader.varint()));
    case 'TYPE_DOUBLE':
      expectWire(where, field, wire, WIRE_FIXED64);
      return reader.fixed(8).readDoubleLE(0);
    default:
      throw new Error(`decoding ${field.type} (${field.name}) is not supported by this codec`);
  }
}

class Reader {
  constructor(buffer, what) {
    this.buffer = buffer;
    this.pos = 0;
    this.what = what;
  }

  done() {
    return this.pos >= this.buffer.length;
  }

  varint() {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buffer.length) throw new Error(`${this.what}: truncated varint`);
      const b = this.buffer[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new Error(`${this.what}: varint longer than 10 bytes`);
  }

  fixed(n) {
    if (this.pos + n > this.buffer.length) throw new Error(`${this.what}: truncated fixed-width value`);
    const slice = this.buffer.subarray(this.pos, this.pos + n);
    this.pos += n;
    return slice;
  }

  lengthDelimited() {
    const length = this.varint();
    if (length > BigInt(this.buffer.length - this.pos)) throw new Error(`${this.what}: length ${length} runs past the end`);
    return this.fixed(Number(length));
  }

  skip(wire) {
    switch (wire) {
      case WIRE_VARINT: this.varint(); return;
      case WIRE_FIXED64: this.fixed(8); return;
      case WIRE_LENGTH: this.lengthDelimited(); return;
      case WIRE_FIXED32: this.fixed(4); return;
      default: throw new Error(`${this.what}: unsupported wire type ${wire}`);
    }
  }
}

function tag(number, wire) {
  return varint((BigInt(number) << 3n) | BigInt(wire));
}

function varint(value) {
  const bytes = [];
  let v = value;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    bytes.push(b);
  } while (v !== 0n);
  return Buffer.from(bytes);
}

module.exports = { ProtoCodec };
