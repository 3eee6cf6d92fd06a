"""Schemathesis hooks for scripts/fuzz.sh: Glance's image update takes JSON in its own media type
(application/openstack-images-v2.1-json-patch), which schemathesis is told to send as JSON."""
import schemathesis

schemathesis.serializer.alias("application/openstack-images-v2.1-json-patch", "application/json")
