/// Writes an encoded value straight into its output bytes, in one pass.
///
/// ``BinaryEncoder``'s form puts a length header before every nested value and a count before the children of
/// every container, neither known until the value is done. The writer leaves one byte for each and patches it
/// when the value ends, moving what follows when the number needs more than one byte, so that the output is
/// byte for byte what the tree of ``EncodingSlot``s writes, without building the tree.
///
/// That works while the value uses its containers in the order they nest, which synthesised conformances and
/// nearly all hand-written ones do: a container's value ends when its parent, or any container below it, is
/// written to again. A container used after its value ended (kept from before a sibling was written) makes
/// the writer give up; ``BinaryEncoder`` then encodes the value again through the tree, which allows any
/// order.
final class DirectWriter {
    /// One value being written: the root, or a child of a container.
    struct Frame {
        enum Kind {
            /// Nothing written yet.
            case empty
            case keyed
            case unkeyed
            /// A scalar, written as the whole content.
            case single
            case null
        }

        var serial: Int
        var kind = Kind.empty
        /// Where the placeholder of the length header is; `nil` for the root, which has no header.
        var headerAt: Int?
        /// Where the placeholder of the element count is, once the value is a container.
        var countAt = 0
        var count = 0
    }

    /// Names one frame for the containers and encoders that write into it; stale once the frame has ended.
    struct Position {
        let depth: Int
        let serial: Int
    }

    private(set) var bytes: [UInt8] = []
    private var frames: [Frame] = []
    private var nextSerial = 0

    /// Whether the value used a container out of order, so that its bytes must come from the tree instead.
    private(set) var gaveUp = false

    /// The value's bytes, or `nil` when it used its containers in an order only the tree can follow.
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8]? {
        let writer = DirectWriter()
        writer.bytes.reserveCapacity(64)
        writer.frames.reserveCapacity(8)
        let root = writer.push(headerAt: nil)
        try value.encode(to: DirectEncoder(writer: writer, position: root))

        guard writer.activate(root) else {
            return nil
        }
        if writer.frames[0].kind == .null {
            return [EncodingSlot.rootNil]
        }
        writer.patchCount(of: writer.frames[0])
        return writer.bytes
    }

    // MARK: Frames

    /// Starts the value of a child whose header placeholder is at `headerAt`.
    func push(headerAt: Int?) -> Position {
        nextSerial += 1
        frames.append(Frame(serial: nextSerial, headerAt: headerAt))
        return Position(depth: frames.count - 1, serial: nextSerial)
    }

    /// Makes `position` the frame written to, ending every value above it; `false` when that frame has ended
    /// (or the writer gave up before), and then the writer gives up.
    func activate(_ position: Position) -> Bool {
        guard !gaveUp, position.depth < frames.count, frames[position.depth].serial == position.serial else {
            gaveUp = true
            return false
        }
        while frames.count > position.depth + 1 {
            end(frames.removeLast())
        }
        return true
    }

    /// Gives up on writing directly: the tree encodes the value instead.
    func giveUp() {
        gaveUp = true
    }

    // MARK: Writing

    /// Readies the frame at `position` for a container of `kind`; `false` when the writer gave up.
    func beginContainer(_ position: Position, kind: Frame.Kind) -> Bool {
        guard activate(position) else {
            return false
        }
        switch frames[position.depth].kind {
        case .empty:
            frames[position.depth].kind = kind
            frames[position.depth].countAt = bytes.count
            bytes.append(0)
        case kind:
            break
        default:
            // The tree lets a later container replace what the value wrote before; only it can do that.
            gaveUp = true
        }
        return !gaveUp
    }

    /// Starts the next child of the container at `position`, after its key if it has one; `false` when the
    /// writer gave up.
    func beginChild(of position: Position, key: String?) -> Bool {
        guard activate(position) else {
            return false
        }
        frames[position.depth].count += 1
        if var key {
            key.withUTF8 { utf8 in
                Varint.append(UInt64(utf8.count), to: &bytes)
                bytes.append(contentsOf: utf8)
            }
        }
        return true
    }

    /// Writes a scalar child: its header, then its content.
    func writeChild(_ leaf: EncodedLeaf) {
        EncodingSlot.writeNested(leaf, into: &bytes)
    }

    /// Writes a nil child.
    func writeNilChild() {
        bytes.append(0)
    }

    /// Starts a nested child, to be written into the returned frame.
    func pushChild() -> Position {
        let headerAt = bytes.count
        bytes.append(0)
        return push(headerAt: headerAt)
    }

    /// Writes the whole content of the frame at `position` as a scalar, or marks it nil.
    func writeSingle(_ position: Position, _ leaf: EncodedLeaf?) {
        guard activate(position) else {
            return
        }
        guard frames[position.depth].kind == .empty else {
            // A second value for one slot replaces the first in the tree.
            gaveUp = true
            return
        }
        if let leaf {
            frames[position.depth].kind = .single
            EncodingSlot.write(leaf, into: &bytes)
        } else {
            frames[position.depth].kind = .null
        }
    }

    func count(at position: Position) -> Int {
        position.depth < frames.count && frames[position.depth].serial == position.serial
            ? frames[position.depth].count : 0
    }

    // MARK: Patching

    /// Fills in the count and the header of a value that has ended.
    private func end(_ frame: Frame) {
        patchCount(of: frame)
        guard let headerAt = frame.headerAt else {
            return
        }
        if frame.kind == .null {
            bytes[headerAt] = 0
        } else {
            patch(headerAt, with: UInt64(bytes.count - headerAt - 1) + 1)
        }
    }

    private func patchCount(of frame: Frame) {
        if frame.kind == .keyed || frame.kind == .unkeyed {
            patch(frame.countAt, with: UInt64(frame.count))
        }
    }

    /// Writes `value` as a varint over the one-byte placeholder at `index`, moving what follows when it needs
    /// more bytes.
    private func patch(_ index: Int, with value: UInt64) {
        guard value >= 0x80 else {
            bytes[index] = UInt8(value)
            return
        }
        var encoded: [UInt8] = []
        Varint.append(value, to: &encoded)
        bytes[index] = encoded[0]
        bytes.insert(contentsOf: encoded[1...], at: index + 1)
    }
}
