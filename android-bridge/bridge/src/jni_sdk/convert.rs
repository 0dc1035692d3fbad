//! `java.util.Map` ⇄ JSON.

use facekiosk_bridge_protocol::{Params, SdkResult};
use jni::Env;
use jni::errors::Result;
use jni::objects::{JMap, JObject, JString};
use jni::{jni_sig, jni_str};
use serde_json::Value;

/// Nested maps deeper than this are cut (the SDK's maps are flat).
const MAX_DEPTH: usize = 8;

/// `new HashMap<String, String>()` holding `params`.
pub(crate) fn params_to_map<'local>(
    env: &mut Env<'local>,
    params: &Params,
) -> Result<JObject<'local>> {
    let map = env.new_object(jni_str!("java/util/HashMap"), jni_sig!("()V"), &[])?;
    {
        let jmap = env.as_cast::<JMap>(&map)?;
        for (key, value) in params {
            let k = env.new_string(key)?;
            let v = env.new_string(value)?;
            let _old = jmap.put(env, &k, &v)?;
            env.delete_local_ref(k);
            env.delete_local_ref(v);
        }
    }
    Ok(map)
}

/// The SDK's callback Map as a JSON object.
pub(crate) fn map_to_json(env: &mut Env<'_>, map: &JMap<'_>) -> Result<SdkResult> {
    map_to_json_at(env, map, 0)
}

fn map_to_json_at(env: &mut Env<'_>, map: &JMap<'_>, depth: usize) -> Result<SdkResult> {
    let mut out = SdkResult::new();
    if map.is_null() {
        return Ok(out);
    }
    env.with_local_frame(8, |env| -> Result<()> {
        let mut entries = map.iter(env)?;
        while let Some(entry) = entries.next(env)? {
            env.with_local_frame(8, |env| -> Result<()> {
                let key = entry.key(env)?;
                let key = match to_json(env, &key, depth)? {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                let value = entry.value(env)?;
                let value = to_json(env, &value, depth)?;
                out.insert(key, value);
                Ok(())
            })?;
            env.delete_local_ref(entry);
        }
        Ok(())
    })?;
    Ok(out)
}

fn to_json(env: &mut Env<'_>, obj: &JObject<'_>, depth: usize) -> Result<Value> {
    if obj.is_null() {
        return Ok(Value::Null);
    }
    if env.is_instance_of(obj, jni_str!("java/lang/String"))? {
        let s = env.as_cast::<JString>(obj)?;
        return Ok(Value::String(s.try_to_string(env)?));
    }
    for integral in [
        jni_str!("java/lang/Integer"),
        jni_str!("java/lang/Long"),
        jni_str!("java/lang/Short"),
        jni_str!("java/lang/Byte"),
    ] {
        if env.is_instance_of(obj, integral)? {
            let v = env
                .call_method(obj, jni_str!("longValue"), jni_sig!("()J"), &[])?
                .j()?;
            return Ok(Value::from(v));
        }
    }
    if env.is_instance_of(obj, jni_str!("java/lang/Number"))? {
        let v = env
            .call_method(obj, jni_str!("doubleValue"), jni_sig!("()D"), &[])?
            .d()?;
        return Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number));
    }
    if env.is_instance_of(obj, jni_str!("java/lang/Boolean"))? {
        let v = env
            .call_method(obj, jni_str!("booleanValue"), jni_sig!("()Z"), &[])?
            .z()?;
        return Ok(Value::Bool(v));
    }
    if env.is_instance_of(obj, jni_str!("java/util/Map"))? && depth < MAX_DEPTH {
        let map = env.as_cast::<JMap>(obj)?;
        return Ok(Value::Object(map_to_json_at(env, &map, depth + 1)?));
    }
    let text = env
        .call_method(
            obj,
            jni_str!("toString"),
            jni_sig!("()Ljava/lang/String;"),
            &[],
        )?
        .l()?;
    let text = env.as_cast::<JString>(&text)?;
    Ok(Value::String(text.try_to_string(env)?))
}
