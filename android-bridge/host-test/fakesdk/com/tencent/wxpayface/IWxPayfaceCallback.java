package com.tencent.wxpayface;

/** Test double of the AAR's public callback class (a Binder stub in the real AAR). */
public abstract class IWxPayfaceCallback implements IWxPayFaceCallbackAIDL {
    public IWxPayfaceCallback() {}
}
