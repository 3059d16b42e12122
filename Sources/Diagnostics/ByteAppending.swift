/// Appends to a UTF-8 byte buffer without the generic sequence machinery: reports and manifests
/// are written as millions of small pieces, and `+= text.utf8` costs several times the copy.
extension Array where Element == UInt8 {
    /// A fixed piece of syntax (`" | "`, `",\n"`).
    @inline(__always)
    public mutating func append(literal text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A string's UTF-8 bytes, copied from its storage.
    @inline(__always)
    public mutating func append(utf8Of text: String) {
        if let copied: Void = text.utf8.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) { return copied }
        append(contentsOf: text.utf8)
    }
}
