/// The one network NovaKit simulates: `private`, 10.0.0.0/16, with a fixed id so clients can name it
/// (`networks: [{"uuid": …}]`, `--nic net-id=…`) across restarts and deployments.
public enum SimulatedNetwork {
    public static let id = "3d1c8a5e-4b6f-4e9a-9c2d-7f0e5b1a6c48"
    public static let label = "private"
    public static let cidr = "10.0.0.0/16"
    public static let gateway = "10.0.0.1"
    public static let netmask = "255.255.0.0"
    public static let broadcast = "10.0.255.255"
}
