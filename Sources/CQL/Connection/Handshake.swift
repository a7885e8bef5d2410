/// The steps that open a connection: OPTIONS → SUPPORTED, STARTUP → READY or AUTHENTICATE, then SASL.
struct Handshake {
    let multiplexer: FrameMultiplexer
    let configuration: CQLConnection.Configuration

    /// The STARTUP key that enables ScyllaDB's LWT bit, and the argument name of its mask.
    static let lwtExtension = "SCYLLA_LWT_ADD_METADATA_MARK"
    static let lwtMaskArgument = "LWT_OPTIMIZATION_META_BIT_MASK"

    /// Runs the handshake.
    ///
    /// - Returns: The SUPPORTED options and the negotiated LWT mask.
    func run() async throws -> (CQLSupportedOptions, UInt32?) {
        let supported = try await options()
        let (startupOptions, lwtMask) = startup(for: supported)

        let answer = try await step(.startup(startupOptions))
        switch answer {
        case .ready:
            break
        case .authenticate(let authenticator):
            try await authenticate(authenticator)
        case .error(let error):
            throw error
        default:
            throw unexpected(answer, to: "STARTUP")
        }
        return (supported, lwtMask)
    }

    private func options() async throws -> CQLSupportedOptions {
        let answer = try await step(.options)
        switch answer {
        case .supported(let options):
            return options
        case .error(let error):
            throw error
        default:
            throw unexpected(answer, to: "OPTIONS")
        }
    }

    /// The STARTUP options: the CQL version, the driver's name, and the extensions worth enabling.
    func startup(for supported: CQLSupportedOptions) -> ([(String, String)], UInt32?) {
        var options = [
            ("CQL_VERSION", "3.0.0"),
            ("DRIVER_NAME", configuration.driverName),
            ("DRIVER_VERSION", configuration.driverVersion),
        ]
        var lwtMask: UInt32?
        if configuration.enablesScyllaExtensions {
            let prefix = Self.lwtMaskArgument + "="
            if let argument = supported[Self.lwtExtension].first(where: { $0.hasPrefix(prefix) }),
                let mask = UInt32(argument.dropFirst(prefix.count))
            {
                options.append((Self.lwtExtension, argument))
                lwtMask = mask
            }
        }
        return (options, lwtMask)
    }

    private func authenticate(_ authenticatorClass: String) async throws {
        guard let authenticator = configuration.authenticator else {
            throw CQLClientError(
                .authenticationFailed,
                "the server requires authentication (\(authenticatorClass)) and no credentials were given"
            )
        }

        var token = authenticator.initialResponse()
        // SASL may take several rounds; a server that never settles is cut off.
        for _ in 0..<16 {
            let answer = try await step(.authResponse(token))
            switch answer {
            case .authSuccess:
                return
            case .authChallenge(let challenge):
                token = try authenticator.evaluate(challenge: challenge)
            case .error(let error):
                throw error
            default:
                throw unexpected(answer, to: "AUTH_RESPONSE")
            }
        }
        throw CQLClientError(.authenticationFailed, "authentication did not finish after 16 rounds")
    }

    private func step(_ request: CQLRequest) async throws -> CQLResponse {
        try await multiplexer.send(request, timeout: configuration.connectTimeout).response
    }

    private func unexpected(_ response: CQLResponse, to request: String) -> CQLClientError {
        CQLClientError(.protocolViolation, "\(request) was answered unexpectedly: \(response)")
    }
}
