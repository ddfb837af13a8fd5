"""An independent gRPC client of Cloud: Debian's grpcio, with message classes built from the canonical proto.

protoc (Debian's python3-grpc-tools) compiles protos/open_inference_grpc.proto to a descriptor set, and the message
classes are made from it with google.protobuf's descriptor APIs: nothing of Cloud's, and no generated Python code
that would tie the test to one protobuf runtime. Every RPC is driven, raw and typed; outputs are compared with values
numpy computes. Usage: oip_grpc_client.py PROTO_DIR HTTP_BASE GRPC_TARGET
"""
import json
import struct
import sys
import tempfile

import grpc
import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_tools import protoc

from oip_clients_common import MODELS, NUMPY, VERSION, check, checks, datatype, expect_equal, from_raw, http_request, raw_bytes, sample_inputs, upload_models

proto_dir, http_base, target = sys.argv[1:4]
out = tempfile.mkdtemp()
assert protoc.main(["protoc", f"-I{proto_dir}", f"--descriptor_set_out={out}/set.pb", "open_inference_grpc.proto"]) == 0
files = descriptor_pb2.FileDescriptorSet()
with open(f"{out}/set.pb", "rb") as f:
    files.ParseFromString(f.read())
pool = descriptor_pool.DescriptorPool()
for file in files.file:
    pool.Add(file)
factory = message_factory.MessageFactory(pool)
service = pool.FindServiceByName("inference.GRPCInferenceService")


def message(name):
    return factory.GetPrototype(pool.FindMessageTypeByName(f"inference.{name}"))


channel = grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)])


def call(method, request, metadata=None):
    rpc = service.methods_by_name[method]
    stub = channel.unary_unary(f"/inference.GRPCInferenceService/{method}", request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=factory.GetPrototype(rpc.output_type).FromString)
    response, info = stub.with_call(request, metadata=metadata, timeout=120)
    return response, dict(info.initial_metadata())


def call_fails(method, request, code, text):
    try:
        call(method, request)
    except grpc.RpcError as error:
        assert error.code() == code, f"{method}: {error.code()} {error.details()}, expected {code}"
        assert text in error.details(), f"{method}: '{error.details()}' does not say '{text}'"
        print(f"  {code.name}: {error.details()[:160]}")
        return
    raise AssertionError(f"{method} succeeded; expected {code} ({text})")


# --- typed encodings, as a client writes them from the proto's comments ---------------------------------------
TYPED = {"BOOL": "bool_contents", "INT8": "int_contents", "INT16": "int_contents", "INT32": "int_contents", "INT64": "int64_contents",
         "UINT8": "uint_contents", "UINT16": "uint_contents", "UINT32": "uint_contents", "UINT64": "uint64_contents",
         "FP32": "fp32_contents", "FP64": "fp64_contents", "BYTES": "bytes_contents"}


def infer_request(model, inputs, raw, version="", **fields):
    request = message("ModelInferRequest")(model_name=model, model_version=version, **fields)
    for name, array in inputs.items():
        tensor = request.inputs.add(name=name, datatype=datatype(array), shape=list(array.shape))
        if raw:
            request.raw_input_contents.append(raw_bytes(array))
        elif array.dtype == object:
            tensor.contents.bytes_contents.extend(v.encode() for v in array.ravel())
        else:
            getattr(tensor.contents, TYPED[datatype(array)]).extend(array.ravel().tolist())
    return request


def outputs_of(response):
    result = {}
    for i, output in enumerate(response.outputs):
        shape = tuple(output.shape)
        if len(response.raw_output_contents) > 0:
            result[output.name] = from_raw(output.datatype, shape, response.raw_output_contents[i])
        elif output.datatype == "BYTES":
            result[output.name] = np.array([v.decode() for v in output.contents.bytes_contents], dtype=object).reshape(shape)
        else:
            result[output.name] = np.array(getattr(output.contents, TYPED[output.datatype]), dtype=NUMPY[output.datatype]).reshape(shape)
    return result


# --- server RPCs -----------------------------------------------------------------------------------------------------
upload_models(http_base)
live, _ = call("ServerLive", message("ServerLiveRequest")())
assert live.live
check("ServerLive")
ready, _ = call("ServerReady", message("ServerReadyRequest")())
assert ready.ready
check("ServerReady")
metadata, _ = call("ServerMetadata", message("ServerMetadataRequest")())
assert metadata.name == "cloud" and "binary_tensor_data" in metadata.extensions, metadata
check("ServerMetadata")

# --- model RPCs ------------------------------------------------------------------------------------------------------
for name in MODELS:
    model_ready, _ = call("ModelReady", message("ModelReadyRequest")(name=name))
    assert model_ready.ready, name
    model_ready, _ = call("ModelReady", message("ModelReadyRequest")(name=name, version=VERSION))
    assert model_ready.ready, name
check("ModelReady")
call_fails("ModelReady", message("ModelReadyRequest")(name="no-such-model"), grpc.StatusCode.NOT_FOUND, "no-such-model")

add_metadata, _ = call("ModelMetadata", message("ModelMetadataRequest")(name="py-add"))
assert add_metadata.name == "py-add" and list(add_metadata.versions) == [VERSION] and add_metadata.platform == "onnx_onnxv1", add_metadata
assert [(t.name, t.datatype, list(t.shape)) for t in add_metadata.inputs] == [("a", "FP32", [-1, 3]), ("b", "FP32", [-1, 3])], add_metadata
assert [(t.name, t.datatype, list(t.shape)) for t in add_metadata.outputs] == [("sum", "FP32", [-1, 3]), ("greater", "BOOL", [-1, 3])], add_metadata
half_metadata, _ = call("ModelMetadata", message("ModelMetadataRequest")(name="py-half", version=VERSION))
assert [(t.name, t.datatype) for t in half_metadata.inputs] == [("x", "FP16")], half_metadata
check("ModelMetadata")
call_fails("ModelMetadata", message("ModelMetadataRequest")(name="py-add", version="9.9.9"), grpc.StatusCode.NOT_FOUND, "9.9.9")

# --- ModelInfer, raw and typed, every model --------------------------------------------------------------------------
for name, inputs in sample_inputs().items():
    expected = MODELS[name][1](inputs)
    for raw in (True, False):
        if not raw and name == "py-half":
            # FP16 has no typed field: the proto says it travels raw.
            request = message("ModelInferRequest")(model_name=name)
            request.inputs.add(name="x", datatype="FP16", shape=[1, 4]).contents.fp32_contents.extend([1, 2, 3, 4])
            call_fails("ModelInfer", request, grpc.StatusCode.INVALID_ARGUMENT, "raw_input_contents")
            continue
        response, headers = call("ModelInfer", infer_request(name, inputs, raw, id=f"{name}-{raw}"), metadata=[("x-cloud-routing-key", "user-17")])
        assert response.model_name == name and response.model_version == VERSION and response.id == f"{name}-{raw}", response
        assert headers.get("x-cloud-model-version") == VERSION, headers
        assert (len(response.raw_output_contents) > 0) == (raw or name == "py-half"), f"{name}: raw in, raw out (and only then)"
        actual = outputs_of(response)
        assert list(actual) == list(expected), (list(actual), list(expected))
        for output in expected:
            expect_equal(f"{name} {'raw' if raw else 'typed'} {output}", np.asarray(expected[output]), actual[output])
        check(f"ModelInfer {name} {'raw' if raw else 'typed'}")

# Requested outputs, by version.
inputs = sample_inputs()["py-add"]
request = infer_request("py-add", inputs, raw=True, version=VERSION)
request.outputs.add(name="greater")
response, _ = call("ModelInfer", request)
assert [o.name for o in response.outputs] == ["greater"], response.outputs
expect_equal("py-add greater only", inputs["a"] > inputs["b"], outputs_of(response)["greater"])
check("ModelInfer outputs and model_version")

# A label, set through the management API, routed by the "label" parameter.
status, _, body = http_request(http_base, "PUT", "/api/models/py-add/labels/canary", json.dumps({"version": VERSION}).encode(), {"Content-Type": "application/json"})
assert status == 200, (status, body)
request = infer_request("py-add", inputs, raw=True)
request.parameters["label"].string_param = "canary"
response, headers = call("ModelInfer", request)
assert headers.get("x-cloud-route") == "label:canary", headers
check("ModelInfer label parameter")
request.parameters["label"].string_param = "nope"
call_fails("ModelInfer", request, grpc.StatusCode.NOT_FOUND, "nope")

# --- bad input: each a clear status and message ----------------------------------------------------------------------
request = infer_request("py-add", inputs, raw=True)
request.raw_input_contents[0] = request.raw_input_contents[0][:-4]
call_fails("ModelInfer", request, grpc.StatusCode.INVALID_ARGUMENT, "6 values of raw data take 24 bytes; got 20")

request = infer_request("py-add", inputs, raw=True)
request.inputs[1].contents.fp32_contents.extend(inputs["b"].ravel().tolist())
call_fails("ModelInfer", request, grpc.StatusCode.INVALID_ARGUMENT, "mixes raw_input_contents with typed")

request = message("ModelInferRequest")(model_name="py-strings")
request.inputs.add(name="s", datatype="BYTES", shape=[2])
request.raw_input_contents.append(struct.pack("<I", 3) + b"abc" + struct.pack("<I", 1000) + b"short")
call_fails("ModelInfer", request, grpc.StatusCode.INVALID_ARGUMENT, "says 1000 bytes but only 5 remain")

request = infer_request("py-add", inputs, raw=False)
request.inputs[0].shape[:] = [3, 3]
call_fails("ModelInfer", request, grpc.StatusCode.INVALID_ARGUMENT, "(9 values) but its contents.fp32_contents holds 6")

request = message("ModelInferRequest")(model_name="py-add")
request.inputs.add(name="a", datatype="FP32", shape=[1, 3])
request.inputs.add(name="b", datatype="FP32", shape=[1, 3])
request.raw_input_contents.append(b"\0" * 12)
call_fails("ModelInfer", request, grpc.StatusCode.INVALID_ARGUMENT, "raw_input_contents holds 1 entry for 2 inputs")

request = infer_request("py-ints", {"i8": np.array([[1, 2]], dtype=np.int16), "u16": np.array([[1, 2]], dtype=np.uint16)}, raw=False)
request.inputs[0].datatype = "INT8"
request.inputs[0].contents.int_contents[1] = 300
call_fails("ModelInfer", request, grpc.StatusCode.INVALID_ARGUMENT, "(300) is out of range for INT8")

huge = message("ModelInferRequest")(model_name="py-add")
huge.inputs.add(name="a", datatype="FP32", shape=[8738133, 3])
huge.inputs.add(name="b", datatype="FP32", shape=[8738133, 3])
huge.raw_input_contents.append(bytes(8738133 * 12))
huge.raw_input_contents.append(b"")
call_fails("ModelInfer", huge, grpc.StatusCode.RESOURCE_EXHAUSTED, "")
check(f"bad input ({huge.ByteSize() / 1e6:.0f} MB message included)")

call_fails("ModelInfer", infer_request("no-such-model", inputs, raw=True), grpc.StatusCode.NOT_FOUND, "no-such-model")

# --- ModelStreamInfer (Triton's streaming extension): every model raw and typed on one stream, sent without waiting --
stream_rpc = service.methods_by_name["ModelStreamInfer"]
stream = channel.stream_stream("/inference.GRPCInferenceService/ModelStreamInfer", request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=factory.GetPrototype(stream_rpc.output_type).FromString)
sent, expected_by_id = [], {}
for name, inputs in sample_inputs().items():
    for raw in (True, False) if name != "py-half" else (True,):
        sent.append(infer_request(name, inputs, raw, id=f"stream-{name}-{raw}"))
        expected_by_id[f"stream-{name}-{raw}"] = (name, raw, MODELS[name][1](inputs))
# A failure in the middle is answered in its place and the stream goes on.
bad = infer_request("py-add", inputs_add := sample_inputs()["py-add"], raw=True, id="stream-bad")
bad.raw_input_contents[0] = bad.raw_input_contents[0][:-4]
sent.insert(len(sent) // 2, bad)
sent.insert(1, infer_request("no-such-model", inputs_add, raw=True, id="stream-unknown"))
answers = {a.infer_response.id: a for a in stream(iter(sent), timeout=120, metadata=[("x-cloud-routing-key", "user-17")])}
assert sorted(answers) == sorted(r.id for r in sent), (sorted(answers), "one answer per request, each with its id")
for id, (name, raw, expected) in expected_by_id.items():
    answer = answers[id]
    assert answer.error_message == "", (id, answer.error_message)
    response = answer.infer_response
    assert response.model_name == name and response.model_version == VERSION, response
    assert (len(response.raw_output_contents) > 0) == (raw or name == "py-half"), f"{id}: raw in, raw out (and only then)"
    actual = outputs_of(response)
    for output in expected:
        expect_equal(f"stream {id} {output}", np.asarray(expected[output]), actual[output])
for id, code, text in (("stream-bad", "INVALID_ARGUMENT", "6 values of raw data take 24 bytes; got 20"), ("stream-unknown", "NOT_FOUND", "no-such-model")):
    answer = answers[id]
    assert text in answer.error_message, (id, answer.error_message)
    assert answer.infer_response.parameters["grpc_status"].string_param == code, (id, answer.infer_response.parameters)
    assert len(answer.infer_response.outputs) == 0, answer
    print(f"  stream {code}: {answer.error_message[:160]}")
check(f"ModelStreamInfer {len(sent)} requests on one stream, two of them failing in place")

# A message over the receive limit ends the stream with gRPC's status; the answer before it still arrives.
received = []
try:
    for answer in stream(iter([infer_request("py-add", inputs_add, raw=True, id="before-huge"), huge]), timeout=120):
        received.append(answer.infer_response.id)
    raise AssertionError("the stream ended without a status for the huge message")
except grpc.RpcError as error:
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (error.code(), error.details())
    print(f"  stream RESOURCE_EXHAUSTED: {error.details()[:160]}")
assert received == ["before-huge"], received
check("ModelStreamInfer huge message")

# Bytes that are no ModelInferRequest end the stream with a status; the answer before them still arrives.
garbage = channel.stream_stream("/inference.GRPCInferenceService/ModelStreamInfer", request_serializer=lambda m: m if isinstance(m, bytes) else m.SerializeToString(),
                                response_deserializer=factory.GetPrototype(stream_rpc.output_type).FromString)
received = []
try:
    for answer in garbage(iter([infer_request("py-add", inputs_add, raw=True, id="before-garbage"), b"\xff\xff\xff\xff"]), timeout=120):
        received.append(answer.infer_response.id)
    raise AssertionError("the stream ended without a status for bytes that are no message")
except grpc.RpcError as error:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "is not a ModelInferRequest" in error.details(), (error.code(), error.details())
    print(f"  stream {error.code().name}: {error.details()[:160]}")
assert received == ["before-garbage"], received
unary_garbage = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer", request_serializer=lambda m: m, response_deserializer=lambda b: b)
try:
    unary_garbage(b"\xff\xff\xff\xff", timeout=60)
    raise AssertionError("ModelInfer answered bytes that are no message")
except grpc.RpcError as error:
    print(f"  unary {error.code().name}: {error.details()[:160]}")
check("ModelStreamInfer unparseable message")
print(f"{len(checks)} checks passed")
