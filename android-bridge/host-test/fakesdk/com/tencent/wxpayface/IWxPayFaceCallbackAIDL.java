package com.tencent.wxpayface;

import android.os.RemoteException;
import java.util.Map;

/** Test double of the AAR's callback interface (an AIDL interface in the real AAR). */
public interface IWxPayFaceCallbackAIDL {
    void response(Map result) throws RemoteException;
}
