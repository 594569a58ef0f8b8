/// The version `chairside --version` prints; raised with each release.
enum ChairsideVersion {
    static let current = "0.9.0"
}
