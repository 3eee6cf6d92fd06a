"""Issue 5: keypairs — generation, import, per-user isolation, microversions, quota under concurrency."""
import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import NameOID
from tempest.lib.api_schema.response.compute.v2_1 import keypairs as v21
from tempest.lib.api_schema.response.compute.v2_2 import keypairs as v22

from conftest import ADMIN, OTHER_PROJECT, PROJECT, USER, assert_fault, validate

BOB = f"bob:{PROJECT}"  # same project, another user
CAROL = f"carol:{OTHER_PROJECT}"
KP = "/v2.1/os-keypairs"


def md5_fingerprint(public_line):
    digest = hashlib.md5(base64.b64decode(public_line.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def openssh_public(key):
    return key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def test_generated_keypair_is_a_real_openssh_key(cloud):
    created = validate(v21.create_keypair, cloud.request("POST", KP, json={"keypair": {"name": "k1"}}))["keypair"]
    private = serialization.load_ssh_private_key(created["private_key"].encode(), password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    assert created["public_key"].split()[:2] == openssh_public(private).split()[:2]
    assert created["fingerprint"] == md5_fingerprint(created["public_key"])
    assert created["user_id"] == "alice"
    shown = validate(v21.get_keypair, cloud.request("GET", f"{KP}/k1"))["keypair"]
    assert "private_key" not in shown and shown["public_key"] == created["public_key"] and shown["deleted"] is False
    listed = validate(v21.list_keypairs, cloud.request("GET", KP))["keypairs"]
    assert [k["keypair"]["name"] for k in listed] == ["k1"] and "private_key" not in listed[0]["keypair"]
    validate(v21.delete_keypair, cloud.request("DELETE", f"{KP}/k1"))
    assert_fault(cloud.request("GET", f"{KP}/k1"), 404, "Keypair k1 not found for user alice")


def test_microversion_2_2_type_and_codes(cloud):
    created = cloud.request("POST", KP, version="2.2", json={"keypair": {"name": "k2", "type": "ssh"}})
    assert validate(v22.create_keypair, created)["keypair"]["type"] == "ssh"
    assert validate(v22.get_keypair, cloud.request("GET", f"{KP}/k2", version="2.2"))["keypair"]["type"] == "ssh"
    assert validate(v22.list_keypairs, cloud.request("GET", KP, version="2.2"))["keypairs"][0]["keypair"]["type"] == "ssh"
    assert "type" not in cloud.request("GET", f"{KP}/k2").json()["keypair"]
    validate(v22.delete_keypair, cloud.request("DELETE", f"{KP}/k2", version="2.2"))
    assert_fault(cloud.request("POST", KP, json={"keypair": {"name": "k3", "type": "ssh"}}), 400)


def test_import_ssh_and_x509(cloud):
    rsa_key = openssh_public(rsa.generate_private_key(public_exponent=65537, key_size=2048)) + " me@host"
    imported = cloud.request("POST", KP, json={"keypair": {"name": "rsa", "public_key": rsa_key}}).json()["keypair"]
    assert imported["public_key"] == rsa_key and imported["fingerprint"] == md5_fingerprint(rsa_key)
    assert "private_key" not in imported
    ed_key = openssh_public(ed25519.Ed25519PrivateKey.generate())
    assert cloud.request("POST", KP, json={"keypair": {"name": "ed", "public_key": ed_key}}).status_code == 200
    for bad in ["not a key", "ssh-rsa AAAA", "ssh-ed25519 " + base64.b64encode(b"\x00\x00\x00\x07ssh-rsa").decode(),
                ed_key.replace("ssh-ed25519", "ssh-rsa")]:
        assert_fault(cloud.request("POST", KP, json={"keypair": {"name": "bad", "public_key": bad}}), 400,
                     "Keypair data is invalid: failed to generate fingerprint")
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "novakit")])
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1)).sign(key, None))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    made = cloud.request("POST", KP, version="2.2", json={"keypair": {"name": "cert", "type": "x509", "public_key": pem}})
    assert made.status_code == 201
    expected = ":".join(f"{b:02x}" for b in cert.fingerprint(hashes.SHA1()))
    assert made.json()["keypair"]["fingerprint"] == expected and made.json()["keypair"]["type"] == "x509"


def test_keypairs_belong_to_a_user(cloud):
    cloud.request("POST", KP, json={"keypair": {"name": "mine"}})
    assert_fault(cloud.request("POST", KP, json={"keypair": {"name": "mine"}}), 409, "Key pair 'mine' already exists.")
    for other in [BOB, CAROL]:
        assert_fault(cloud.request("GET", f"{KP}/mine", token=other), 404)
        assert_fault(cloud.request("DELETE", f"{KP}/mine", token=other), 404)
        assert cloud.request("GET", KP, token=other).json() == {"keypairs": []}
    assert cloud.request("POST", KP, token=BOB, json={"keypair": {"name": "mine"}}).status_code == 200


def test_admin_user_id_from_2_10(cloud):
    created = cloud.request("POST", KP, token=ADMIN, version="2.10", json={"keypair": {"name": "for-bob", "user_id": "bob"}})
    assert created.status_code == 201 and created.json()["keypair"]["user_id"] == "bob"
    assert [k["keypair"]["name"] for k in cloud.request("GET", KP, token=BOB).json()["keypairs"]] == ["for-bob"]
    listed = cloud.request("GET", f"{KP}?user_id=bob", token=ADMIN, version="2.10").json()["keypairs"]
    assert [k["keypair"]["name"] for k in listed] == ["for-bob"]
    assert cloud.request("GET", f"{KP}/for-bob?user_id=bob", token=ADMIN, version="2.10").json()["keypair"]["user_id"] == "bob"
    assert_fault(cloud.request("GET", f"{KP}?user_id=bob", token=USER, version="2.10"), 403)
    assert_fault(cloud.request("GET", f"{KP}/for-bob?user_id=bob", token=USER, version="2.10"), 403)
    assert_fault(cloud.request("POST", KP, token=USER, version="2.10", json={"keypair": {"name": "x", "user_id": "bob"}}), 403)
    assert_fault(cloud.request("POST", KP, token=ADMIN, version="2.9", json={"keypair": {"name": "x", "user_id": "bob"}}), 400)
    assert cloud.request("DELETE", f"{KP}/for-bob?user_id=bob", token=ADMIN, version="2.10").status_code == 204


def test_paging_from_2_35(cloud):
    for name in ["a", "b", "c"]:
        cloud.request("POST", KP, json={"keypair": {"name": name}})
    page = cloud.request("GET", f"{KP}?limit=2", version="2.35").json()
    assert [k["keypair"]["name"] for k in page["keypairs"]] == ["a", "b"]
    assert "marker=b" in page["keypairs_links"][0]["href"]
    rest = cloud.request("GET", f"{KP}?limit=2&marker=b", version="2.35").json()
    assert [k["keypair"]["name"] for k in rest["keypairs"]] == ["c"] and "keypairs_links" not in rest
    assert len(cloud.request("GET", f"{KP}?limit=2", version="2.34").json()["keypairs"]) == 3
    assert_fault(cloud.request("GET", f"{KP}?marker=zzz", version="2.35"), 400)


def test_import_only_and_wider_names_from_2_92(cloud):
    assert_fault(cloud.request("POST", KP, version="2.92", json={"keypair": {"name": "gen"}}), 400)
    key = openssh_public(ed25519.Ed25519PrivateKey.generate())
    assert cloud.request("POST", KP, version="2.92", json={"keypair": {"name": "me@host.x", "public_key": key}}).status_code == 201
    assert_fault(cloud.request("POST", KP, version="2.91", json={"keypair": {"name": "you@host.x", "public_key": key}}), 400)


def test_quota_holds_under_50_parallel_creates(cloud):
    quota = cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN, json={"quota_set": {"key_pairs": 20}})
    assert quota.status_code == 200 and quota.json()["quota_set"]["key_pairs"] == 20
    key = openssh_public(ed25519.Ed25519PrivateKey.generate())

    def create(index):
        return cloud.request("POST", KP, json={"keypair": {"name": f"k{index:02d}", "public_key": key}})

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(create, range(50)))
    assert sorted(r.status_code for r in responses) == [200] * 20 + [403] * 30
    refused = next(r for r in responses if r.status_code == 403)
    assert_fault(refused, 403, "Quota exceeded for key_pairs: Requested 1, but already used 20 of 20 key_pairs")
    assert len(cloud.request("GET", KP).json()["keypairs"]) == 20
    rows = cloud.db.query("SELECT COUNT(*) FROM key_pairs WHERE deleted = 0 AND user_id = 'alice'")
    assert rows == [("20",)]
