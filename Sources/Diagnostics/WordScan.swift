/// Questions about eight bytes at once, for the scans that prove large texts need no escaping:
/// each answer is exact for the word as a whole ("Bit Twiddling Hacks",
/// https://graphics.stanford.edu/~seander/bithacks.html#HasLessInWord, #HasMoreInWord and
/// #ValueInWord).
enum WordScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080

    /// Some byte is below 0x20 (a line break or another control) or above 0x7E (DEL or non-ASCII).
    @inline(__always)
    static func hasControlOrNonASCII(_ word: UInt64) -> Bool {
        let below20 = (word &- ones &* 0x20) & ~word & highs
        let above7E = ((word &+ ones &* (127 - 0x7E)) | word) & highs
        return below20 | above7E != 0
    }

    /// Some byte is `byte`.
    @inline(__always)
    static func contains(_ byte: UInt8, in word: UInt64) -> Bool {
        let matches = word ^ (ones &* UInt64(byte))
        return (matches &- ones) & ~matches & highs != 0
    }
}
