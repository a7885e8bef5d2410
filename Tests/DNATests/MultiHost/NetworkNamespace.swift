import DNANetwork
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// HTTP requests sent from inside a test host's network namespace, as a program on that host would send them.
///
/// Each request runs on a new thread that first joins the namespace: `setns(2)` moves only the calling thread,
/// and the thread ends with the request, so no other thread of the test process ever leaves the root namespace.
enum NetworkNamespace {
    /// Sends one request from inside `namespace` (a name under /run/netns, as `ip netns` makes them).
    static func request(
        in namespace: String,
        method: String,
        url: String,
        body: [UInt8],
        timeout: Duration
    ) async throws -> HTTPClient.Response {
        try await HostThread.run("dna-test-netns") {
            try enter(namespace)
            return try HTTPClient.request(method: method, url: url, body: body, timeout: timeout)
        }
    }

    /// Moves the calling thread into the network namespace.
    private static func enter(_ namespace: String) throws {
        let descriptor = open("/run/netns/\(namespace)", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw HostTestFailure("cannot open /run/netns/\(namespace): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }

        // Glibc declares setns and CLONE_NEWNET only for _GNU_SOURCE, so Swift's Glibc module lacks both: the
        // function is looked up in the C library, and the flag is its value from <sched.h>.
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "setns") else {
            throw HostTestFailure("the C library has no setns")
        }
        let setns = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        let cloneNewNet: Int32 = 0x4000_0000
        guard setns(descriptor, cloneNewNet) == 0 else {
            throw HostTestFailure("cannot enter the namespace \(namespace): \(String(cString: strerror(errno)))")
        }
    }
}
