/// Appends to a UTF-8 byte buffer without the generic sequence machinery: reports and manifests
/// are written as millions of small pieces, and `+= text.utf8` costs several times the copy.
extension Array where Element == UInt8 {
    /// A fixed piece of syntax (`" | "`, `",\n"`).
    @inline(__always)
    public mutating func append(literal text: StaticString) {
        let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        // A few bytes (` | `, `\n`) one by one: cheaper than the bulk copy's checks and call.
        guard bytes.count <= 4 else { return append(contentsOf: bytes) }
        for byte in bytes { append(byte) }
    }

    /// `count` spaces (none when `count` is not positive), in slices of a literal: one copy per
    /// 64 spaces instead of one append per space.
    public mutating func append(spaces count: Int) {
        let spaces: StaticString = "                                                                "
        var left = count
        while left > 0 {
            let slice = Swift.min(left, spaces.utf8CodeUnitCount)
            append(contentsOf: UnsafeBufferPointer(start: spaces.utf8Start, count: slice))
            left -= slice
        }
    }

    /// A non-negative integer in decimal digits, without making a String of it.
    public mutating func append(decimal value: some BinaryInteger) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var magnitude = UInt64(clamping: value)
        var count = 0
        Swift.withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[buffer.count - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(contentsOf: buffer[(buffer.count - count)...])
        }
    }

    /// A string's UTF-8 bytes, copied from its storage.
    @inline(__always)
    public mutating func append(utf8Of text: String) {
        if let copied: Void = text.utf8.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) { return copied }
        append(contentsOf: text.utf8)
    }
}
